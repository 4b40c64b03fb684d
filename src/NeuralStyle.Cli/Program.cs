// The command-line front end arrives with its own issue; until then it says so.
Console.Error.WriteLine("neural-style: the command-line tool is not implemented yet. Use the NeuralStyle.Core API (StyleTransfer.RunAsync).");
return 1;
