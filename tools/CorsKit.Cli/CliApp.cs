using System.CommandLine;

namespace CorsKit.Cli;

/// <summary>The <c>corskit</c> command line: <c>check</c> and <c>probe</c>.</summary>
internal static class CliApp
{
    /// <summary>Runs the command line; <paramref name="time"/> (the system clock by default) dates <c>check</c>'s list-age warning.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, HttpMessageHandler? handler = null, TimeProvider? time = null)
    {
        var root = new RootCommand("corskit: check a CorsKit configuration, and probe any server's CORS answers as a browser judges them.")
        {
            CheckCommand(output, time ?? TimeProvider.System),
            ProbeCommand(output, error, handler),
        };
        return root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
    }

    private static Command CheckCommand(TextWriter output, TimeProvider time)
    {
        var file = new Argument<string>("appsettings.json") { Description = "The configuration file to check." };
        var section = new Option<string>("--section") { Description = "The section holding the CorsKit configuration.", DefaultValueFactory = _ => "Cors" };
        var command = new Command("check", "Validate a configuration exactly as the app does at startup; exit 1 on errors.") { file, section };
        command.SetAction(result => ConfigurationCheck.Run(result.GetRequiredValue(file), result.GetRequiredValue(section), output, time));
        return command;
    }

    private static Command ProbeCommand(TextWriter output, TextWriter error, HttpMessageHandler? handler)
    {
        var url = new Argument<string>("url") { Description = "The URL a page would fetch (http or https)." };
        var origin = new Option<string>("--origin") { Description = "The page's origin as a browser sends it, e.g. https://app.example.com, or null for an opaque origin.", Required = true };
        var method = new Option<string>("--method") { Description = "The request method (as the page writes it).", DefaultValueFactory = _ => "GET" };
        var header = new Option<string[]>("--header") { Description = "A request header, 'Name: value' or 'Name'; repeat for more.", AllowMultipleArgumentsPerToken = false };
        var credentials = new Option<bool>("--credentials") { Description = "Send the request as fetch(..., { credentials: 'include' }) would." };
        var cookie = new Option<string[]>("--cookie") { Description = "A cookie 'name=value' the browser holds for the URL, sent with the request (not the preflight); needs --credentials; repeat for more.", AllowMultipleArgumentsPerToken = false };
        var data = new Option<string?>("--data") { Description = "A request body." };
        var command = new Command("probe", "Send the preflight (when a browser would) and the request, and judge each answer with the Fetch standard's CORS checks; exit 0 only if a page could read the response.")
        {
            url, origin, method, header, credentials, cookie, data,
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
            if (request is null)
            {
                await error.WriteLineAsync($"error: {problem}");
                return 2;
            }

            using var http = ProbeHttp.Create(handler);
            try
            {
                return await new CorsProbe(http, output).RunAsync(request, cancellationToken) ? 0 : 1;
            }
            catch (HttpRequestException exception)
            {
                await error.WriteLineAsync($"error: {request.Url}: {exception.Message}");
                return 2;
            }
        });
        return command;
    }
}
