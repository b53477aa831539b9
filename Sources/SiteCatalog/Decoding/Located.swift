import Yams

/// A YAML node together with the document path that leads to it (`communes[3].gateway`).
struct Located {
    let node: Node
    let path: String

    var mark: Mark? { self.node.mark }

    /// The path of a key below this node.
    func appending(key: String) -> String {
        self.path.isEmpty ? key : "\(self.path).\(key)"
    }

    /// The path of an element of this list.
    func appending(index: Int) -> String {
        "\(self.path)[\(index)]"
    }

    /// What kind of value this is, for messages: `a mapping`, `a list`, `string "x"`, `integer 5`, `null`.
    var kindDescription: String {
        switch self.node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let scalar):
            let text = scalar.string
            switch self.node.tagName {
            case .null: return "nothing (null)"
            case .bool: return "boolean \(text)"
            case .int: return "integer \(text)"
            case .float: return "number \(text)"
            case .str: return "string \"\(text)\""
            default: return "\"\(text)\""
            }
        }
    }
}

/// The entries of a YAML mapping whose keys were checked against the schema.
struct Fields {
    /// The mapping itself.
    let located: Located
    /// What the mapping is, for messages (`commune`, `probe defaults`).
    let what: String
    /// Value and key node by key, for the keys the schema knows.
    private let entries: [String: (key: Node, value: Node)]
    /// Keys in document order.
    let orderedKeys: [String]

    init(located: Located, what: String, entries: [String: (key: Node, value: Node)], orderedKeys: [String]) {
        self.located = located
        self.what = what
        self.entries = entries
        self.orderedKeys = orderedKeys
    }

    /// The value of `key`, if present.
    subscript(key: String) -> Located? {
        guard let entry = self.entries[key] else { return nil }
        return Located(node: entry.value, path: self.located.appending(key: key))
    }

    /// The key node of `key`, if present (for positions of whole entries).
    func keyNode(_ key: String) -> Located? {
        guard let entry = self.entries[key] else { return nil }
        return Located(node: entry.key, path: self.located.appending(key: key))
    }

    /// Whether `key` is present.
    func has(_ key: String) -> Bool { self.entries[key] != nil }
}

extension Node {
    /// The resolved tag's name (`tag:yaml.org,2002:str`, `…:int`, …); Yams keeps `Tag.name` internal.
    var tagName: Tag.Name { Tag.Name(rawValue: self.tag.rawValue) }
}
