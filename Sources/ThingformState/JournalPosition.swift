/// How far the runtime consumed the broker plugin's journal: the next record to read is at
/// `offset` of segment `segment`; `seq` is the last record consumed. Written in the same
/// transaction as what the pipeline did with the records before it, so after a crash the runtime
/// resumes exactly after the last batch that committed.
public struct JournalPosition: Sendable, Equatable {
    public var segment: UInt64
    public var offset: Int
    public var seq: UInt64
    public init(segment: UInt64, offset: Int, seq: UInt64) {
        self.segment = segment
        self.offset = offset
        self.seq = seq
    }
}
