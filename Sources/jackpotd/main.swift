import JackpotKit

await CommandLineTool.main()
