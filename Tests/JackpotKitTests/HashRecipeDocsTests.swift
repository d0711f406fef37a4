import Testing
import TestSupport

/// The operators' page shows each hash-verification recipe exactly as the file
/// the recipe tests run, so the page cannot teach code that was never run.
@Suite(.timeLimit(.minutes(1))) struct HashRecipeDocsTests {
    static let recipes = [
        ("verify_hash.php", "php"), ("verify-hash.mjs", "js"), ("verify_hash.py", "python"),
        ("verify_hash.go", "go"), ("VerifyHash.java", "java"),
    ]
    /// The page the recipes belong to, or the draft of its section until it is placed there.
    static let pages = ["docs/operators.md", "docs/incoming/operators-hash-recipes.md"]

    @Test(arguments: recipes)
    func recipeAppearsVerbatimInTheOperatorsPage(file: String, language: String) throws {
        let pages = try Self.pages.filter(PackageFiles.exists).map { try PackageFiles.text($0) }
        try #require(!pages.isEmpty, "none of \(Self.pages) exists")
        let block = "```\(language)\n" + (try PackageFiles.text("docs/recipes/" + file)) + "```\n"
        #expect(pages.contains { $0.contains(block) }, "docs/recipes/\(file) is not shown verbatim in \(Self.pages.joined(separator: " or "))")
    }
}
