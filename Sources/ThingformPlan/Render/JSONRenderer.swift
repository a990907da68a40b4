import ThingformModel

/// The plan for machines: exactly the plan file (`PlanFile.json`), indented, with a final newline.
/// `plan --format json` prints what `plan --out` saves, so either can be fed to `apply`.
public enum JSONRenderer {
    public static func render(_ plan: Plan) -> String {
        PlanFile.json(plan).pretty + "\n"
    }

    public static func write(_ plan: Plan, to out: inout PlanOutput) {
        let sink = out.sink
        PlanFile.json(plan).writePretty(to: &out.buffer, chunk: PlanOutput.chunkSize) { bytes in
            bytes.withUnsafeBytes(sink)
            bytes.removeAll(keepingCapacity: true)
        }
        out.newline()
    }
}
