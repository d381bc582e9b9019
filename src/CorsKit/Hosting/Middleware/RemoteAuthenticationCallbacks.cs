using System.Diagnostics.CodeAnalysis;
using CorsKit.Diagnostics;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CorsKit.Hosting.Middleware;

/// <summary>
/// The paths where remote authentication handlers (OpenID Connect, WS-Federation, OAuth, any
/// <see cref="RemoteAuthenticationHandler{TOptions}"/>) receive the identity provider's answer.
/// With OpenID Connect's default <c>response_mode=form_post</c>, that answer is a cross-site HTML
/// form POST handled inside <c>UseAuthentication()</c>, where no endpoint metadata can opt it out
/// of the CSRF guard, so CorsKit discovers these paths when the pipeline is built and treats them
/// like endpoints marked <see cref="AllowCrossOriginFormPostsAttribute"/>.
/// </summary>
internal sealed class RemoteAuthenticationCallbacks
{
    /// <summary>
    /// Paths that OpenID Connect and WS-Federation options add to <see cref="RemoteAuthenticationOptions.CallbackPath"/>:
    /// where the identity provider returns after sign-out, and where it signs the user out.
    /// </summary>
    private static readonly string[] SignOutPathProperties = ["SignedOutCallbackPath", "RemoteSignOutPath"];

    private readonly PathString[] _paths;

    private RemoteAuthenticationCallbacks(PathString[] paths, ILogger logger)
    {
        _paths = paths;
        NotConsumed = new Endpoint(
            context =>
            {
                CorsKitLog.CallbackNotConsumed(logger, LogValue.Sanitize(context.Request.Path.ToString()));
                CorsResponseWriter.Refuse(context.Response);
                return Task.CompletedTask;
            },
            EndpointMetadataCollection.Empty,
            "CorsKit: a cross-site form post to a remote authentication callback path that its handler did not consume");
    }

    /// <summary>The callback paths, as discovered.</summary>
    public IReadOnlyList<string> Paths => [.. _paths.Select(p => p.ToString())];

    public static RemoteAuthenticationCallbacks None { get; } = new([], Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

    /// <summary>
    /// The endpoint a cross-site form post to a callback path gets in place of the one routing
    /// selected: it runs only if the handler declined the request, and refuses it (403).
    /// </summary>
    public Endpoint NotConsumed { get; }

    /// <summary>Whether <paramref name="path"/> (the request path, after any path base) is a callback path.</summary>
    public bool Contains(PathString path)
    {
        foreach (var callback in _paths)
        {
            if (callback.Equals(path, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Reads the callback paths of every registered remote scheme, and logs them.</summary>
    public static RemoteAuthenticationCallbacks Discover(IServiceProvider services, ILogger logger)
    {
        if (services.GetService<IAuthenticationSchemeProvider>() is not { } schemeProvider)
        {
            return None;
        }

        var paths = new List<PathString>();
        var described = new List<string>();
        foreach (var scheme in schemeProvider.GetAllSchemesAsync().GetAwaiter().GetResult())
        {
            if (RemoteOptionsMonitorType(scheme.HandlerType) is not { } monitorType)
            {
                continue;
            }

            List<PathString> schemePaths;
            try
            {
                // IOptionsMonitor is covariant: the handler's IOptionsMonitor<TOptions> is an IOptionsMonitor<RemoteAuthenticationOptions>.
                var options = ((IOptionsMonitor<RemoteAuthenticationOptions>)services.GetRequiredService(monitorType)).Get(scheme.Name);
                schemePaths = CallbackPaths(options).Where(p => p.HasValue).Distinct().ToList();
            }
#pragma warning disable CA1031 // A scheme whose options cannot be built fails on its own first use; here it only keeps its callbacks guarded.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                CorsKitLog.RemoteAuthenticationCallbacksUnreadable(logger, scheme.Name, exception);
                continue;
            }

            paths.AddRange(schemePaths);
            described.Add($"{scheme.Name}: {string.Join(", ", schemePaths)}");
        }

        if (described.Count == 0)
        {
            return None;
        }

        CorsKitLog.RemoteAuthenticationCallbacks(logger, string.Join("; ", described));
        return new RemoteAuthenticationCallbacks([.. paths.Distinct()], logger);
    }

    /// <summary>
    /// The <c>IOptionsMonitor&lt;TOptions&gt;</c> a remote handler's constructor takes, with
    /// TOptions a <see cref="RemoteAuthenticationOptions"/>; null for other handlers. Read from the
    /// constructor, the type exists in every app that can create the handler, trimmed or not.
    /// </summary>
    private static Type? RemoteOptionsMonitorType(
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] Type handlerType) =>
        handlerType.GetConstructors()
            .SelectMany(c => c.GetParameters())
            .Select(p => p.ParameterType)
            .FirstOrDefault(t => t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IOptionsMonitor<>)
                && typeof(RemoteAuthenticationOptions).IsAssignableFrom(t.GenericTypeArguments[0]));

    [UnconditionalSuppressMessage("Trimming", "IL2075",
        Justification = "The sign-out paths are read only if the options type still has them: a property the trimmer removed is one the handler never reads, so it serves no callback there.")]
    private static List<PathString> CallbackPaths(RemoteAuthenticationOptions options)
    {
        var paths = new List<PathString> { options.CallbackPath };
        foreach (var name in SignOutPathProperties)
        {
            if (options.GetType().GetProperty(name)?.GetValue(options) is PathString path)
            {
                paths.Add(path);
            }
        }

        return paths;
    }
}
