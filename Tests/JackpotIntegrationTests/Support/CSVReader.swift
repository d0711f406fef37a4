/// Reads RFC 4180 CSV the way a spreadsheet or reconciliation script would, so
/// tests check `export` against the format rather than against our writer.
enum CSVReader {
    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    /// Records of fields. Quoted fields may hold commas, doubled quotes and line breaks.
    static func records(_ text: String) throws -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false
        var characters = Array(text)[...]
        while let character = characters.popFirst() {
            if quoted {
                if character == "\"" {
                    if characters.first == "\"" {
                        field.append("\"")
                        characters.removeFirst()
                    } else {
                        quoted = false
                        guard characters.first.map({ $0 == "," || $0 == "\n" || $0 == "\r\n" }) ?? true else {
                            throw Malformed(description: "text after a closing quote in \(field)")
                        }
                    }
                } else {
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"" where field.isEmpty: quoted = true
            case "\"": throw Malformed(description: "a quote inside an unquoted field: \(field)")
            case ",":
                record.append(field)
                field = ""
            case "\n", "\r\n":
                record.append(field)
                records.append(record)
                record = []
                field = ""
            default: field.append(character)
            }
        }
        if quoted { throw Malformed(description: "unterminated quoted field") }
        if !field.isEmpty || !record.isEmpty {
            record.append(field)
            records.append(record)
        }
        return records
    }
}
