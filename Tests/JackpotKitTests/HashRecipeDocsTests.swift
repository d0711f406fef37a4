import Foundation
import Testing
import TestSupport

/// docs/operators.md shows each hash-verification recipe exactly as the file
/// the recipe tests run, so the page cannot teach code that was never run.
@Suite(.timeLimit(.minutes(1))) struct HashRecipeDocsTests {
    static let recipes = [
        ("verify_hash.php", "php"), ("verify-hash.mjs", "js"), ("verify_hash.py", "python"),
        ("verify_hash.go", "go"), ("VerifyHash.java", "java"),
    ]

    @Test(arguments: recipes)
    func recipeAppearsVerbatimInTheOperatorsPage(file: String, language: String) throws {
        let page = try DocsText(DocsText.operators).text
        let recipe = try String(contentsOfFile: DocsText.path(of: "docs/recipes/" + file), encoding: .utf8)
        #expect(
            page.contains("```\(language)\n" + recipe + "```\n"),
            "docs/recipes/\(file) is not shown verbatim in \(DocsText.operators)")
    }
}
