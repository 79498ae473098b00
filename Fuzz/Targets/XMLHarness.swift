import EKSPlatformKit

extension FuzzHarness {
    /// `XMLTree.parse` and the `XMLReader` pull API (`next`, `readText`, `skipElement`) on arbitrary bytes.
    public static let xml = FuzzHarness(name: "FuzzXML") { bytes in
        func fail(_ message: String) -> FuzzInvariantViolation { FuzzInvariantViolation("FuzzXML", message) }
        // The tree: either a root element or an XMLError, nothing else.
        do {
            let root = try XMLTree.parse(bytes)
            if root.name.isEmpty { throw fail("parsed a root element without a name") }
            var pending = [root]
            while let element = pending.popLast() {
                _ = element.items
                _ = element.string(element.children.first?.name ?? "")
                pending.append(contentsOf: element.children)
            }
        } catch is XMLError {
        } catch let error as FuzzInvariantViolation {
            throw error
        } catch {
            throw fail("XMLTree.parse threw \(type(of: error)), not XMLError: \(error)")
        }
        // The pull reader, mixing the three ways callers consume elements (chosen by the element's name length).
        do {
            let reader = try XMLReader(bytes: bytes)
            var steps = 0
            while let event = try reader.next() {
                steps += 1
                if steps > 1_000_000 { throw fail("the reader did not finish after a million events") }
                guard case .start(let name, let isEmpty) = event else { continue }
                switch name.utf8.count % 3 {
                case 0: _ = try reader.readText(isEmpty: isEmpty)
                case 1: try reader.skipElement(isEmpty: isEmpty)
                default: continue
                }
            }
            _ = reader.currentLine
        } catch is XMLError {
        } catch let error as FuzzInvariantViolation {
            throw error
        } catch {
            throw fail("XMLReader threw \(type(of: error)), not XMLError: \(error)")
        }
    }
}
