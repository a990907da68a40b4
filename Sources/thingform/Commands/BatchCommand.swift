import ArgumentParser
import Foundation
import ThingformModel
import ThingformState

struct BatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "Device batches (mass production): download a batch's device information.",
        subcommands: [Download.self]
    )

    struct Download: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a batch's output file: one row per device with its name and secret (\"Download Device Information\").",
            discussion: """
            The file holds device secrets (or the product secret of a one model, one secret batch): it is
            written with mode 0600 and never printed unless --out - is given. It is the file the apply made,
            byte for byte: ProductId,DeviceName,ProductSecret,DevicePsk,Status,QRCode (RFC 4180, UTF-8).
            """
        )
        @Argument(help: "The batch, e.g. DeviceBatch/light-batch-2021-04.") var batch: String
        @Option(name: .long, help: ArgumentHelp("Where to write it ('-' for standard output). Default: {ProductId}_{batchId}.csv in the current folder.", valueName: "file"))
        var out: String?
        @OptionGroup var stateOptions: StateOptions

        func run() throws {
            guard let address = Address(parsing: batch), address.kind == .deviceBatch else {
                throw CLIError("Error: \(StateCode.notAnAddress) '\(batch)' is not a batch address; use DeviceBatch/NAME")
            }
            let store = try stateOptions.openAny(forReading: true)
            let snapshot: Snapshot
            let bytes: [UInt8]?
            do {
                snapshot = try store.snapshot()
                bytes = try store.batchOutput(name: address.name)
            } catch let e as StateError { throw CLIError("Error: \(e)") }
            guard let record = snapshot.batches[address.name], let bytes else { throw CLIError("Error: \(StateCode.notInState) \(address) is not in the state; apply it first (`thingform state list` shows what is)") }
            let path = out ?? "\(record.productId)_\(record.id).csv"
            if path == "-" {
                FileHandle.standardOutput.write(Data(bytes))
                return
            }
            guard FileManager.default.createFile(atPath: path, contents: Data(bytes), attributes: [.posixPermissions: 0o600]) else {
                throw CLIError("Error: E-MAN-09 cannot write \(path)")
            }
            print("Wrote batch \(record.id) of \(address) (\(record.devices) device\(record.devices == 1 ? "" : "s") of Product/\(record.product)) to \(path).")
        }
    }
}
