using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace CorsKit.Testing;

/// <summary>Which header collections the reusable context uses.</summary>
public enum HeaderStore
{
    /// <summary>The framework's general-purpose <see cref="HeaderDictionary"/>, as DefaultHttpContext uses: every access hashes the name.</summary>
    HeaderDictionary,

    /// <summary>Kestrel's own request and response header collections, as a real server uses: well-known names are fields.</summary>
    Kestrel,
}

/// <summary>
/// One <see cref="HttpContext"/> reused for request after request, as servers reuse theirs, so
/// that measuring a middleware measures the middleware: setting up the request allocates nothing
/// after the first time, and response-start callbacks are kept in a reused list and fired when
/// the "response starts", as Kestrel does.
/// </summary>
public sealed class ReusableHttpContext
{
    private readonly HttpRequestFeature _request = new();
    private readonly ResponseFeature _response = new();

    public ReusableHttpContext(IServiceProvider services, HeaderStore store = HeaderStore.HeaderDictionary)
    {
        if (store == HeaderStore.Kestrel)
        {
            _request.Headers = KestrelHeaders.CreateRequestHeaders();
            _response.Headers = KestrelHeaders.CreateResponseHeaders();
        }

        var features = new FeatureCollection();
        features.Set<IHttpRequestFeature>(_request);
        features.Set<IHttpResponseFeature>(_response);
        features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(Stream.Null));
        Context = new DefaultHttpContext(features) { RequestServices = services };
        Context.Request.Scheme = "https";
        Context.Request.Host = new HostString("api.example.com");
    }

    public HttpContext Context { get; }

    /// <summary>Sets the method and replaces all request headers.</summary>
    public ReusableHttpContext WithRequest(string method, params (string Name, string Value)[] headers)
    {
        _request.Method = method;
        _request.Path = "/resource";
        _request.Headers.Clear();
        _request.Headers.Host = "api.example.com";
        foreach (var (name, value) in headers)
        {
            _request.Headers[name] = value;
        }

        return this;
    }

    /// <summary>Routes every following request to <paramref name="endpoint"/>, as routing would have selected it.</summary>
    public ReusableHttpContext WithEndpoint(Endpoint endpoint)
    {
        Context.SetEndpoint(endpoint);
        return this;
    }

    /// <summary>Runs one request through <paramref name="app"/>, then starts the response (firing OnStarting callbacks).</summary>
    public void Send(RequestDelegate app)
    {
        _response.Reset();
        app(Context).GetAwaiter().GetResult();
        _response.Start();
    }

    public int StatusCode => _response.StatusCode;

    public IHeaderDictionary ResponseHeaders => _response.Headers;

    private sealed class ResponseFeature : IHttpResponseFeature
    {
        private readonly List<(Func<object, Task> Callback, object State)> _onStarting = new(4);

        public int StatusCode { get; set; } = 200;

        public string? ReasonPhrase { get; set; }

        public IHeaderDictionary Headers { get; set; } = new HeaderDictionary();

        public Stream Body { get; set; } = Stream.Null;

        public bool HasStarted { get; private set; }

        public void OnStarting(Func<object, Task> callback, object state) => _onStarting.Add((callback, state));

        public void OnCompleted(Func<object, Task> callback, object state)
        {
        }

        public void Reset()
        {
            StatusCode = 200;
            HasStarted = false;
            Headers.Clear();
            _onStarting.Clear();
        }

        /// <summary>Fires the callbacks last-registered first, as servers do.</summary>
        public void Start()
        {
            for (var i = _onStarting.Count - 1; i >= 0; i--)
            {
                _onStarting[i].Callback(_onStarting[i].State).GetAwaiter().GetResult();
            }

            HasStarted = true;
        }
    }

    /// <summary>
    /// Kestrel's header collections are internal; they are created by reflection, which is fine
    /// for tests and benchmarks and fails loudly if a new Kestrel renames them.
    /// </summary>
    private static class KestrelHeaders
    {
        private const System.Reflection.BindingFlags Constructors =
            System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic;

        private static readonly System.Reflection.Assembly Kestrel = typeof(Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions).Assembly;

        public static IHeaderDictionary CreateRequestHeaders() =>
            Create("Microsoft.AspNetCore.Server.Kestrel.Core.Internal.Http.HttpRequestHeaders", [true, null]);

        public static IHeaderDictionary CreateResponseHeaders() =>
            Create("Microsoft.AspNetCore.Server.Kestrel.Core.Internal.Http.HttpResponseHeaders", [null]);

        private static IHeaderDictionary Create(string typeName, object?[] arguments)
        {
            var type = Kestrel.GetType(typeName, throwOnError: true)!;
            return (IHeaderDictionary)Activator.CreateInstance(type, Constructors, binder: null, arguments, culture: null)!;
        }
    }
}
