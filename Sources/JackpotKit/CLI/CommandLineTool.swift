/// Entry point of the `jackpotd` executable.
public enum CommandLineTool {
    public static func main() async {
        print("jackpotd: not built yet")
    }
}
