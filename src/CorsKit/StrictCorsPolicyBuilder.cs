namespace CorsKit;

/// <summary>
/// Writes a <see cref="StrictCorsPolicyOptions"/> in code, with the same meaning as the
/// appsettings.json keys. The result is validated with the rest of the configuration at startup.
/// </summary>
public sealed class StrictCorsPolicyBuilder
{
    private readonly StrictCorsPolicyOptions _policy;

    internal StrictCorsPolicyBuilder(StrictCorsPolicyOptions policy) => _policy = policy;

    /// <summary>
    /// Evaluates requests under this policy without changing anything, only reporting what it
    /// would deny (<see cref="StrictCorsPolicyOptions.Mode"/> = <see cref="StrictCorsMode.ReportOnly"/>).
    /// </summary>
    /// <returns>This builder.</returns>
    public StrictCorsPolicyBuilder ReportOnly()
    {
        _policy.Mode = StrictCorsMode.ReportOnly;
        return this;
    }

    /// <summary>Adds allowed origins or subdomain patterns (<see cref="StrictCorsPolicyOptions.Origins"/>).</summary>
    /// <param name="origins">Browser-canonical origins such as <c>https://app.example.com</c>.</param>
    /// <returns>This builder.</returns>
    public StrictCorsPolicyBuilder WithOrigins(params string[] origins) => AddAll(_policy.Origins, origins);

    /// <summary>
    /// Takes origins from the application's <see cref="IStrictCorsOriginStore"/>, per key the
    /// request carries (see <see cref="StrictCorsOriginStoreOptions"/>).
    /// </summary>
    /// <param name="key"><c>Host</c>, <c>Route:&lt;name&gt;</c> or <c>Header:&lt;name&gt;</c>.</param>
    /// <param name="configure">Sets the cache's times and bounds.</param>
    /// <returns>This builder.</returns>
    public StrictCorsPolicyBuilder WithOriginStore(string key, Action<StrictCorsOriginStoreOptions>? configure = null)
    {
        var store = new StrictCorsOriginStoreOptions { Key = key };
        configure?.Invoke(store);
        _policy.OriginStore = store;
        return this;
    }

    /// <summary>Allows every origin (<c>*</c>): only for public data, never with credentials.</summary>
    /// <returns>This builder.</returns>
    public StrictCorsPolicyBuilder AllowAnyOrigin() => AddAll(_policy.Origins, ["*"]);

    /// <summary>Adds allowed methods (<see cref="StrictCorsPolicyOptions.Methods"/>).</summary>
    /// <param name="methods">Methods such as <c>PUT</c> and <c>DELETE</c>.</param>
    /// <returns>This builder.</returns>
    public StrictCorsPolicyBuilder WithMethods(params string[] methods) => AddAll(_policy.Methods, methods);

    /// <summary>Adds allowed request headers (<see cref="StrictCorsPolicyOptions.Headers"/>).</summary>
    /// <param name="headers">Header names such as <c>Content-Type</c>.</param>
    /// <returns>This builder.</returns>
    public StrictCorsPolicyBuilder WithHeaders(params string[] headers) => AddAll(_policy.Headers, headers);

    /// <summary>Adds response headers pages may read (<see cref="StrictCorsPolicyOptions.ExposedHeaders"/>).</summary>
    /// <param name="headers">Header names such as <c>X-Request-Id</c>.</param>
    /// <returns>This builder.</returns>
    public StrictCorsPolicyBuilder WithExposedHeaders(params string[] headers) => AddAll(_policy.ExposedHeaders, headers);

    /// <summary>Allows credentialed requests (<see cref="StrictCorsPolicyOptions.AllowCredentials"/>).</summary>
    /// <returns>This builder.</returns>
    public StrictCorsPolicyBuilder AllowCredentials()
    {
        _policy.AllowCredentials = true;
        return this;
    }

    /// <summary>Sets how long browsers may cache preflight answers (<see cref="StrictCorsPolicyOptions.MaxAgeSeconds"/>).</summary>
    /// <param name="maxAge">The duration; whole seconds are sent.</param>
    /// <returns>This builder.</returns>
    public StrictCorsPolicyBuilder WithMaxAge(TimeSpan maxAge)
    {
        _policy.MaxAgeSeconds = (int)Math.Clamp(Math.Floor(maxAge.TotalSeconds), int.MinValue, int.MaxValue);
        return this;
    }

    /// <summary>Answers Private Network Access preflights (<see cref="StrictCorsPolicyOptions.AllowPrivateNetwork"/>).</summary>
    /// <returns>This builder.</returns>
    public StrictCorsPolicyBuilder AllowPrivateNetwork()
    {
        _policy.AllowPrivateNetwork = true;
        return this;
    }

    /// <summary>Permits non-loopback <c>http://</c> origins with credentials (<see cref="StrictCorsPolicyOptions.AllowInsecureOrigins"/>).</summary>
    /// <returns>This builder.</returns>
    public StrictCorsPolicyBuilder AllowInsecureOrigins()
    {
        _policy.AllowInsecureOrigins = true;
        return this;
    }

    private StrictCorsPolicyBuilder AddAll(IList<string> list, string[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        foreach (var value in values)
        {
            list.Add(value);
        }

        return this;
    }
}
