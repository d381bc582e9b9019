using CorsKit.Testing;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace CorsKit.IntegrationTests.Fleet;

/// <summary>A test that needs nginx (Debian's nginx).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class NginxFactAttribute([CallerMemberName] string test = "") : ExternalProgramFactAttribute(ExternalProgram.Nginx, test);

/// <summary>
/// nginx in the foreground (<c>daemon off</c>) with its own configuration and prefix directory
/// (<c>-p</c>, a fresh temporary folder), listening on 127.0.0.1 only, terminating TLS with a
/// throwaway self-signed certificate for <see cref="HostName"/>, and load-balancing round-robin
/// over the given instances on 127.0.0.1. Disposing stops the master and its worker and deletes
/// the folder, also when starting failed.
/// </summary>
/// <remarks>
/// nginx answers only for <see cref="HostName"/> (any other name gets 421). The proxy states the
/// request's host, scheme and client itself: it sets <c>Host</c>,
/// <c>X-Forwarded-Host</c>, <c>X-Forwarded-Proto</c> and <c>X-Forwarded-For</c>, and
/// <c>proxy_set_header</c> replaces whatever the client sent under those names (nginx forwards a
/// client's header only when no <c>proxy_set_header</c> names it). It adds and removes no
/// <c>Access-Control-*</c> or <c>Vary</c> header. Run as root, nginx's workers drop to the
/// package's unprivileged user, so the folder is made traversable (0755) and the private key kept
/// 0600 (the master reads it before the workers start).
/// </remarks>
internal sealed class NginxProcess : IAsyncDisposable
{
    /// <summary>The public name of the API, as a browser would reach it; every connection still goes to 127.0.0.1.</summary>
    public const string HostName = "api.fleet.test";

    private readonly Process _process;
    private readonly ProgramOutput _output;
    private readonly string _prefix;

    private NginxProcess(Process process, string prefix, int port, string certificateHash)
    {
        _process = process;
        _output = new ProgramOutput(process);
        _prefix = prefix;
        Port = port;
        CertificateHash = certificateHash;
    }

    public int Port { get; }

    /// <summary>The public origin of the API behind the proxy: <c>https://api.fleet.test:port</c>.</summary>
    public string PublicOrigin => $"https://{HostName}:{Port}";

    public Uri BaseAddress => new(PublicOrigin);

    /// <summary>The SHA-256 hash of the throwaway certificate, the only one <see cref="Client"/> accepts.</summary>
    public string CertificateHash { get; }

    /// <summary>What nginx wrote to its console and error log, for failure messages.</summary>
    public string Output
    {
        get
        {
            var errorLog = Path.Combine(_prefix, "error.log");
            return _output + (File.Exists(errorLog) ? File.ReadAllText(errorLog) : string.Empty);
        }
    }

    public static async Task<NginxProcess> StartAsync(IEnumerable<int> backendPorts)
    {
        var program = ExternalProgram.Nginx.RequirePath();

        var prefix = Directory.CreateTempSubdirectory("corskit-nginx-").FullName;
        Process process;
        int port;
        string certificateHash;
        try
        {
            SetUnixFileMode(prefix, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            certificateHash = WriteCertificate(prefix);
            port = ProgramProcess.FreeLoopbackPort();
            var configuration = Path.Combine(prefix, "nginx.conf");
            File.WriteAllText(configuration, Configuration(prefix, port, backendPorts));

            var start = new ProcessStartInfo(program)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[] { "-p", prefix, "-c", configuration, "-e", Path.Combine(prefix, "error.log") })
            {
                start.ArgumentList.Add(argument);
            }

            process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {start.FileName}");
        }
        catch
        {
            Directory.Delete(prefix, recursive: true);
            throw;
        }

        var nginx = new NginxProcess(process, prefix, port, certificateHash);
        try
        {
            await ProgramProcess.WaitUntilListeningAsync(process, "nginx", nginx.Port, TimeSpan.FromSeconds(30), () => nginx.Output);
            return nginx;
        }
        catch
        {
            await nginx.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// A client of the public origin: every connection goes to nginx on 127.0.0.1 whatever the
    /// URL's host, over TLS with <see cref="HostName"/> as server name, accepting only the
    /// throwaway certificate. No proxy, no cookies, no redirects.
    /// </summary>
    public HttpClient Client()
    {
        var port = Port;
        var hash = CertificateHash;
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            certificate is not null && certificate.GetCertHashString(HashAlgorithmName.SHA256) == hash;
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
    }

    /// <summary>
    /// Sends <paramref name="request"/> (a whole HTTP/1.1 request, as written) over TLS with
    /// <see cref="HostName"/> as server name, whatever its Host header says (HttpClient would
    /// take the server name from that header), and returns the status code of the answer.
    /// </summary>
    public async Task<int> SendRawAsync(string request)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, Port, timeout.Token);
        var hash = CertificateHash;
        await using var tls = new SslStream(tcp.GetStream());
        await tls.AuthenticateAsClientAsync(
            new SslClientAuthenticationOptions
            {
                TargetHost = HostName,
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    certificate is not null && certificate.GetCertHashString(HashAlgorithmName.SHA256) == hash,
            },
            timeout.Token);
        await tls.WriteAsync(Encoding.ASCII.GetBytes(request), timeout.Token);
        using var reader = new StreamReader(tls, Encoding.ASCII);
        var statusLine = await reader.ReadLineAsync(timeout.Token) ?? string.Empty;
        var parts = statusLine.Split(' ');
        return parts.Length > 1 && int.TryParse(parts[1], CultureInfo.InvariantCulture, out var status)
            ? status
            : throw new InvalidDataException($"not an HTTP status line: '{statusLine}'");
    }

    public ValueTask DisposeAsync() => ExternalProgram.StopAsync(_process, _prefix);

    /// <summary>The configuration: README's "Running a fleet" shows its proxy part.</summary>
    private static string Configuration(string prefix, int port, IEnumerable<int> backendPorts)
    {
        var servers = string.Concat(backendPorts.Select(p => $"        server 127.0.0.1:{p.ToString(CultureInfo.InvariantCulture)};\n"));
        return $$"""
            daemon off;
            worker_processes 1;
            pid {{prefix}}/nginx.pid;
            error_log {{prefix}}/error.log notice;
            events { worker_connections 128; }
            http {
                access_log {{prefix}}/access.log;
                client_body_temp_path {{prefix}}/client_body;
                proxy_temp_path {{prefix}}/proxy;
                fastcgi_temp_path {{prefix}}/fastcgi;
                uwsgi_temp_path {{prefix}}/uwsgi;
                scgi_temp_path {{prefix}}/scgi;

                upstream fleet {
            {{servers}}        keepalive 8;
                }

                # Requests for any other name are not the API's: 421, nothing reaches the instances.
                server {
                    listen 127.0.0.1:{{port}} ssl default_server;
                    ssl_reject_handshake on;
                    return 421;
                }

                server {
                    listen 127.0.0.1:{{port}} ssl;
                    server_name {{HostName}};
                    ssl_certificate {{prefix}}/cert.pem;
                    ssl_certificate_key {{prefix}}/key.pem;

                    location / {
                        proxy_pass http://fleet;
                        proxy_http_version 1.1;
                        proxy_set_header Connection "";
                        # The proxy states the request's host, scheme and client: whatever the client sent
                        # under these names is replaced, never passed on or appended to.
                        proxy_set_header Host $host:$server_port;
                        proxy_set_header X-Forwarded-Host $host:$server_port;
                        proxy_set_header X-Forwarded-Proto $scheme;
                        proxy_set_header X-Forwarded-For $remote_addr;
                        proxy_set_header Forwarded "";
                    }
                }
            }
            """;
    }

    /// <summary>Writes a self-signed certificate for <see cref="HostName"/> and its key as PEM; returns the certificate's SHA-256 hash.</summary>
    private static string WriteCertificate(string prefix)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={HostName}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(HostName);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(Path.Combine(prefix, "cert.pem"), certificate.ExportCertificatePem());
        var keyPath = Path.Combine(prefix, "key.pem");
        File.WriteAllText(keyPath, string.Empty);
        SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return certificate.GetCertHashString(HashAlgorithmName.SHA256);
    }

    private static void SetUnixFileMode(string path, UnixFileMode mode)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, mode);
        }
    }
}
