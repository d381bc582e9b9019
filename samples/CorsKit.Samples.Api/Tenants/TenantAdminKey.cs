using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Primitives;

namespace CorsKit.Samples.Api.Tenants;

/// <summary>
/// The key that opens /admin/tenants/{tenant}/origins, the routes that decide who may read a
/// tenant's data: sent in the <see cref="Header"/> header, compared in constant time. It comes from
/// configuration (<see cref="Setting"/>: user secrets, an environment variable, a vault), at least
/// <see cref="MinimumLength"/> characters or the app does not start. Without one, Development
/// makes a random key per run (the startup banner shows it) and any other environment turns the
/// routes off (404). The routes also sit under /admin, which allows no cross-origin access: a page
/// of another origin can neither preflight the header nor get a write past the CSRF guard.
/// </summary>
public sealed class TenantAdminKey
{
    public const string Header = "X-Admin-Key";

    public const string Setting = "Tenants:AdminKey";

    public const int MinimumLength = 32;

    private readonly byte[]? _hash;

    public TenantAdminKey(IConfiguration configuration, IHostEnvironment environment)
    {
        var configured = configuration[Setting];
        if (!string.IsNullOrEmpty(configured))
        {
            if (configured.Length < MinimumLength)
            {
                throw new InvalidOperationException(
                    $"{Setting} is {configured.Length} characters long: use at least {MinimumLength} random ones (openssl rand -hex 32).");
            }

            _hash = Hash(configured);
        }
        else if (environment.IsDevelopment())
        {
            Generated = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
            _hash = Hash(Generated);
        }
    }

    /// <summary>False outside Development when no key is configured: the routes answer 404.</summary>
    public bool Enabled => _hash is not null;

    /// <summary>The key Development made for this run when none is configured; null otherwise.</summary>
    public string? Generated { get; }

    /// <summary>Whether the request's <see cref="Header"/> header is exactly one value, the key.</summary>
    public bool Matches(StringValues presented) =>
        _hash is not null && presented is [{ } key] && CryptographicOperations.FixedTimeEquals(_hash, Hash(key));

    /// <summary>The endpoint filter of the routes: 404 when turned off, 401 without the key.</summary>
    public static async ValueTask<object?> RequireAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var key = context.HttpContext.RequestServices.GetRequiredService<TenantAdminKey>();
        if (!key.Enabled)
        {
            return Results.NotFound();
        }

        return key.Matches(context.HttpContext.Request.Headers[Header]) ? await next(context).ConfigureAwait(false) : Results.Unauthorized();
    }

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
