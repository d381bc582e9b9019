using System.CommandLine;

namespace CorsKit.Cli;

/// <summary>The <c>corskit</c> command line: <c>check</c>, <c>diff</c> and <c>probe</c>.</summary>
internal static class CliApp
{
    /// <summary>Runs the command line; <paramref name="time"/> (the system clock by default) dates <c>check</c>'s list-age warning.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, HttpMessageHandler? handler = null, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        var root = new RootCommand("corskit: check a CorsKit configuration, compare two by the access they grant, and probe any server's CORS answers as a browser judges them.")
        {
            CheckCommand(output, time),
            DiffCommand(output, time),
            ProbeCommand(output, error, handler),
        };
        return InvokeAsync(root.Parse(args), new InvocationConfiguration { Output = output, Error = error });
    }

    /// <summary>
    /// Runs the parsed command. A command line that does not parse (an unknown or mistyped option,
    /// a missing argument or required option, a value of the wrong type) is reported as the parser
    /// reports it, with exit code <see cref="ExitCodes.Usage"/>, never with a verdict's code.
    /// </summary>
    private static async Task<int> InvokeAsync(ParseResult parsed, InvocationConfiguration configuration)
    {
        var exitCode = await parsed.InvokeAsync(configuration);
        return parsed.Action is System.CommandLine.Invocation.ParseErrorAction ? ExitCodes.Usage : exitCode;
    }

    private static Command CheckCommand(TextWriter output, TimeProvider time)
    {
        var files = new Argument<string[]>("appsettings.json")
        {
            Description = "The configuration file to check; several are layered in the order given, as the app layers appsettings.json and appsettings.{Environment}.json.",
            Arity = ArgumentArity.OneOrMore,
        };
        RefuseOptionsAsFiles(files);
        var section = SectionOption();
        var command = new Command("check", "Validate a configuration exactly as the app does at startup and print each policy's effective origins; exit 1 on errors.") { files, section };
        command.SetAction(result => ConfigurationCheck.Run(result.GetRequiredValue(files), result.GetRequiredValue(section), output, time));
        return command;
    }

    private static Command DiffCommand(TextWriter output, TimeProvider time)
    {
        var files = new Argument<string[]>("files")
        {
            Description = "OLD NEW: two configuration files; or, with --to, the old configuration's files, layered in the order given.",
            Arity = ArgumentArity.OneOrMore,
        };
        var to = new Option<string[]>("--to")
        {
            Description = "The new configuration's files, layered in the order given (last on the line, after the old configuration's files).",
            AllowMultipleArgumentsPerToken = true,
        };
        RefuseOptionsAsFiles(files);
        var section = SectionOption();
        var command = new Command("diff", "Compare what two configurations let pages do; exit 0 when access is unchanged, 3 when it widened, 4 when it only narrowed, 1 when a configuration is invalid, 2 on a usage error.")
        {
            files, to, section,
        };
        command.Validators.Add(result =>
        {
            var layered = result.GetResult(to) is not null;
            var count = result.GetValue(files)?.Length ?? 0;
            if (layered ? (result.GetValue(to)?.Length ?? 0) == 0 : count != 2)
            {
                result.AddError("corskit diff takes two files (corskit diff OLD NEW), or the old configuration's files then --to and the new one's (corskit diff OLD... --to NEW...).");
            }
        });
        command.SetAction(result =>
        {
            var paths = result.GetRequiredValue(files);
            var (oldFiles, newFiles) = result.GetValue(to) is { Length: > 0 } newest ? (paths, newest) : (paths[..1], paths[1..]);
            return ConfigurationDiff.Run(oldFiles, newFiles, result.GetRequiredValue(section), output, time);
        });
        return command;
    }

    /// <summary>
    /// A list of files takes any token, so a mistyped option (<c>--sectoin</c>) would be read as
    /// a file that does not exist and exit 1, like an invalid configuration: it is a usage error.
    /// </summary>
    private static void RefuseOptionsAsFiles(Argument<string[]> files) =>
        files.Validators.Add(result =>
        {
            foreach (var token in result.Tokens.Where(t => t.Value.Length > 1 && t.Value[0] == '-'))
            {
                result.AddError($"'{token.Value}' is not an option of this command (see --help), and a file name cannot start with '-'.");
            }
        });

    private static Option<string> SectionOption() =>
        new("--section") { Description = "The section holding the CorsKit configuration.", DefaultValueFactory = _ => "Cors" };

    private static Command ProbeCommand(TextWriter output, TextWriter error, HttpMessageHandler? handler)
    {
        var url = new Argument<string>("url") { Description = "The URL a page would fetch (http or https)." };
        var origin = new Option<string>("--origin") { Description = "The page's origin as a browser sends it, e.g. https://app.example.com, or null for an opaque origin.", Required = true };
        var method = new Option<string>("--method") { Description = "The request method (as the page writes it).", DefaultValueFactory = _ => "GET" };
        var header = new Option<string[]>("--header") { Description = "A request header, 'Name: value' or 'Name'; repeat for more.", AllowMultipleArgumentsPerToken = false };
        var credentials = new Option<bool>("--credentials") { Description = "Send the request as fetch(..., { credentials: 'include' }) would." };
        var cookie = new Option<string[]>("--cookie") { Description = "A cookie 'name=value' the browser holds for the URL, sent with the request (not the preflight); needs --credentials; repeat for more.", AllowMultipleArgumentsPerToken = false };
        var data = new Option<string?>("--data") { Description = "A request body, sent as fetch() sends a string (Content-Type: text/plain;charset=UTF-8 unless --header sets one); refused with GET and HEAD, as fetch() refuses it." };
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait for each answer (the preflight's, the request's), the body read included, before giving up with exit code 5.", DefaultValueFactory = _ => 30 };
        var command = new Command("probe", "Send the preflight (when a browser would) and the request, and judge each answer with the Fetch standard's CORS checks; exit 0 if a page could read the response, 1 if it could not, 2 on a usage error, 5 on a timeout, 6 when no HTTP answer came.")
        {
            url, origin, method, header, credentials, cookie, data, timeout,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var (request, problem) = ProbeRequestParser.Parse(
                result.GetRequiredValue(url),
                result.GetRequiredValue(origin),
                result.GetRequiredValue(method),
                result.GetValue(header) ?? [],
                result.GetValue(credentials),
                result.GetValue(cookie) ?? [],
                result.GetValue(data));
            var seconds = result.GetValue(timeout);
            if (request is null || seconds is not (> 0 and <= 3600))
            {
                await error.WriteLineAsync($"error: {problem ?? $"--timeout {seconds}: give a number of seconds greater than 0 and at most 3600."}");
                return ExitCodes.Usage;
            }

            // Most of what the probe prints comes from the server: escape what could act on a terminal.
            var safeOutput = new TerminalSafeWriter(output);
            using var http = ProbeHttp.Create(handler);
            try
            {
                return await new CorsProbe(http, safeOutput, TimeSpan.FromSeconds(seconds)).RunAsync(request, cancellationToken) switch
                {
                    ProbeOutcome.Readable => ExitCodes.Success,
                    ProbeOutcome.Blocked => ExitCodes.Failed,
                    ProbeOutcome.TimedOut => ExitCodes.TimedOut,
                    _ => throw new InvalidOperationException("unknown probe outcome"),
                };
            }
            catch (Exception exception) when (exception is HttpRequestException or IOException)
            {
                await new TerminalSafeWriter(error).WriteLineAsync($"error: {request.Url}: no HTTP answer: {exception.Message}");
                return ExitCodes.NoAnswer;
            }
        });
        return command;
    }
}
