/// Which wins `list` and `export` show.
package struct WinFilter: Sendable {
    package var state: WinState?
    package var operatorName: String?
    package var userId: String?
    /// Only wins enqueued at or after this time (epoch ms).
    package var createdSince: Int64?
    /// Only wins enqueued before this time (epoch ms): `--until`.
    package var createdBefore: Int64?
    package var limit: Int?

    package init(
        state: WinState? = nil, operatorName: String? = nil, userId: String? = nil, createdSince: Int64? = nil, limit: Int? = nil
    ) {
        self.state = state
        self.operatorName = operatorName
        self.userId = userId
        self.createdSince = createdSince
        self.limit = limit
    }

    var whereClause: (sql: String, arguments: [SQLValue]) {
        var conditions: [String] = []
        var arguments: [SQLValue] = []
        if let state { conditions.append("state = ?"); arguments.append(.text(state.rawValue)) }
        if let operatorName { conditions.append("operator = ?"); arguments.append(.text(operatorName)) }
        if let userId { conditions.append("user_id = ?"); arguments.append(.text(userId)) }
        if let createdSince { conditions.append("created_at >= ?"); arguments.append(.integer(createdSince)) }
        if let createdBefore { conditions.append("created_at < ?"); arguments.append(.integer(createdBefore)) }
        return (conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "), arguments)
    }
}

extension Outbox {
    /// Wins matching `filter`, newest first.
    package func wins(_ filter: WinFilter) throws -> [StoredWin] {
        let (clause, arguments) = filter.whereClause
        let limit = filter.limit.map { " LIMIT \($0)" } ?? ""
        return try database.query("SELECT \(StoredWin.columns) FROM wins \(clause) ORDER BY id DESC\(limit)", arguments)
            .map(StoredWin.init(row:))
    }

    /// Streams wins matching `filter`, oldest first, without holding them all in memory.
    package func forEachWin(_ filter: WinFilter, _ body: (StoredWin) throws -> Void) throws {
        let (clause, arguments) = filter.whereClause
        try database.forEachRow("SELECT \(StoredWin.columns) FROM wins \(clause) ORDER BY id", arguments) {
            try body(StoredWin(row: $0))
        }
    }
}
