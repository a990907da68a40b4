import Foundation
import ThingformPlan

/// `plan --out`: the plan file written as it is rendered (the JSON of a 20,000-product plan is
/// hundreds of megabytes; it is never held whole in memory).
enum PlanFileWriter {
    static func write(_ plan: Plan, to path: String) throws {
        guard let file = fopen(path, "w") else {
            throw CLIError("\(path): the plan cannot be saved (\(String(cString: strerror(errno)))). Check the folder exists and is writable")
        }
        var failed = false
        var out = PlanOutput { bytes in
            if fwrite(bytes.baseAddress, 1, bytes.count, file) != bytes.count { failed = true }
        }
        PlanFormat.json.write(plan, to: &out)
        out.flush()
        if fclose(file) != 0 { failed = true }
        if failed { throw CLIError("\(path): the plan could not be written whole (\(String(cString: strerror(errno)))). Check the free space") }
    }
}
