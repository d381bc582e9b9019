namespace CorsKit.Cli;

/// <summary>
/// The exit codes of every <c>corskit</c> command, one meaning each, so that a CI step can tell
/// a verdict from a mistake: a typo in the command line is never read as "blocked" or "invalid".
/// </summary>
internal static class ExitCodes
{
    /// <summary><c>check</c>: the configuration is valid; <c>probe</c>: a page could read the response.</summary>
    public const int Success = 0;

    /// <summary><c>check</c>: the configuration has errors; <c>probe</c>: the browser blocks the response.</summary>
    public const int Failed = 1;

    /// <summary>
    /// The command line is wrong: an unknown or mistyped option, a missing argument, a value that
    /// does not parse, or (<c>probe</c>) a request no page can make. Nothing was sent.
    /// </summary>
    public const int Usage = 2;

    // 3 and 4 are left for `corskit diff` (access widened, access only narrowed).

    /// <summary><c>probe</c>: the server did not answer completely within <c>--timeout</c>; no verdict.</summary>
    public const int TimedOut = 5;

    /// <summary><c>probe</c>: no HTTP answer at all (connection refused or reset, TLS failure, a malformed response); no verdict.</summary>
    public const int NoAnswer = 6;
}
