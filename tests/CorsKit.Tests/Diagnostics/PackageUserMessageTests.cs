using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;
using CorsKit.Engine;

namespace CorsKit.Tests.Diagnostics;

/// <summary>
/// What CorsKit says at startup, in logs and in problem bodies is read by someone who has the
/// package, not this repository: no message may send them to a file of it (<c>docs/….md</c>,
/// README's sections) or name the framework's internal names for what they wrote. Read off every
/// string literal compiled into the library, so that a message added later is covered too.
/// </summary>
public sealed partial class PackageUserMessageTests
{
    /// <summary>A file or folder of this repository, or a reference to README's sections.</summary>
    [GeneratedRegex(@"\b(docs|src|tests|tools|samples|bench)/|\b[\w-]+\.md\b|\bREADME\b|ARCHITECTURE|CHANGELOG|__DefaultCorsPolicy", RegexOptions.IgnoreCase)]
    private static partial Regex RepositoryReference();

    [Fact]
    public void No_string_of_the_library_names_a_file_of_the_repository_or_the_frameworks_internal_policy_name()
    {
        var offending = LibraryStrings().Where(s => RepositoryReference().IsMatch(s));

        offending.Should().BeEmpty("a package user cannot open this repository's files: say it in the message itself");
    }

    [Fact]
    public void The_strings_read_include_the_startup_messages()
    {
        var strings = LibraryStrings();

        strings.Should().Contain(s => s.Contains("app.UseStrictCors() is never called", StringComparison.Ordinal))
            .And.Contain(s => s.Contains("the default policy (AddDefaultPolicy)", StringComparison.Ordinal));
        strings.Where(s => RepositoryReference().IsMatch(s + " (see README, Pipeline placement)")).Should().NotBeEmpty("the pattern recognizes what it forbids");
    }

    /// <summary>Every string literal of the library: the user-string heap of its metadata.</summary>
    private static List<string> LibraryStrings()
    {
        using var stream = File.OpenRead(typeof(CorsEngine).Assembly.Location);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        var strings = new List<string>();
        for (var handle = MetadataTokens.UserStringHandle(1); !handle.IsNil; handle = metadata.GetNextHandle(handle))
        {
            strings.Add(metadata.GetUserString(handle));
        }

        return strings;
    }
}
