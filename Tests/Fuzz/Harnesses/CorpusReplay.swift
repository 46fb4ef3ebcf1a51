import Foundation

/// `FuzzHarnesses replay <corpus-root>`: runs every file under `<corpus-root>/<target>/` (and the
/// committed crashers under `<crashers-root>/<target>/` when given) through its harness once, in
/// name order, so the replay is deterministic. Exit status 0 when every input returned normally.
enum CorpusReplay {
    static func main(_ arguments: [String]) -> Int32 {
        guard arguments.count >= 3, arguments[1] == "replay" else {
            print("usage: FuzzHarnesses replay <corpus-root> [<more roots>...]")
            print("targets: " + FuzzTargets.all.map(\.name).joined(separator: ", "))
            return 2
        }
        let fm = FileManager.default
        var total = 0
        for root in arguments.dropFirst(2) {
            for target in FuzzTargets.all {
                let dir = URL(fileURLWithPath: root).appendingPathComponent(target.name)
                guard let names = try? fm.contentsOfDirectory(atPath: dir.path) else { continue }
                var count = 0
                for name in names.sorted() where !name.hasPrefix(".") && name != "README.md" {
                    guard let data = fm.contents(atPath: dir.appendingPathComponent(name).path) else { continue }
                    target.run(Array(data))
                    count += 1
                }
                print("replayed \(count) inputs of \(target.name) from \(root)")
                total += count
            }
        }
        print("replayed \(total) inputs, none crashed")
        return total > 0 ? 0 : 1
    }
}
