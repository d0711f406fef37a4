import JackpotCLI

await CommandLineTool.main()
