using System.Text;

namespace CorsKit.Testing;

/// <summary>
/// A corpus of real and hostile Origin values and header lists, and a mutator that derives
/// endless variants from it (flipped case, inserted control bytes and non-ASCII, spliced
/// entries, default ports, trailing dots and slashes…). Shared by the property tests and the
/// fuzz runner; deterministic for a given <see cref="Random"/> seed.
/// </summary>
public static class HostileInputs
{
    public static readonly string[] Origins =
    [
        "https://example.com", "https://app.example.com", "https://a.b.example.com", "http://localhost:3000",
        "http://app.localhost:5173", "http://127.0.0.1:8080", "http://[::1]:3000", "https://[2001:db8::1]",
        "https://xn--bcher-kva.example", "chrome-extension://abcdefghijklmnopabcdefghijklmnop", "null", "*", "",
        "https://evil-example.com", "https://example.com.evil.com", "https://EXAMPLE.com", "https://example.com:443",
        "https://example.com/", "https://user@example.com", "https://example.com.", "https://.example.com",
        "https://*.example.com", "https://exämple.com", "https://еxample.com", "http://0x7f.0.0.1", "http://127.1",
        "https://example.com,https://evil.com", "https://example.com\r\nX: y", "https://[::ffff:1.2.3.4]",
        "file://example.com", "ftp://example.com", "ws://example.com", "wss://a.example.com", "capacitor://localhost",
        "https://xn--.example.com", "https://xn--f.example.com", "https://xn--abc-.example.com", "https://xn--p1ai.example.com",
    ];

    public static readonly string[] HeaderLists =
    [
        "content-type", "content-type,authorization", "Content-Type, Authorization", "x-requested-with",
        "", ",", " , ,", "content-type,,x-a", "authorization", "x-a\tx-b", "x-a, x-b ,x-c", "content type",
        "x-ä", "x-a;x-b", "x-a,\u0000", string.Join(',', Enumerable.Repeat("content-type", 200)),
    ];

    public static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "patch", "put", "OPTIONS", "TRACE", "CONNECT", "PROPFIND", "", " PUT", "P UT", "PUT\r\n"];

    private static readonly string[] Fragments =
    [
        "://", ":", ".", "/", "@", "*", "%2e", "%00", ":443", ":80", ":0", ":65536", "[", "]", "::", "xn--", "localhost",
        "example.com", ".evil.com", "evil-", "\t", " ", "\r\n", "\0", "\u00ff", "é", "\u202e", "\uFEFF", ",", "null",
    ];

    /// <summary>One random variant of <paramref name="input"/>: one to three mutations applied in a row.</summary>
    public static string Mutate(string input, Random random)
    {
        var text = new StringBuilder(input);
        var count = random.Next(1, 4);
        for (var i = 0; i < count; i++)
        {
            var position = text.Length == 0 ? 0 : random.Next(text.Length + 1);
            switch (random.Next(10))
            {
                case 0 when text.Length > 0: // delete a character
                    text.Remove(Math.Min(position, text.Length - 1), 1);
                    break;
                case 1: // insert any character, often outside ASCII or in C0
                    text.Insert(position, (char)(random.Next(3) switch { 0 => random.Next(0, 32), 1 => random.Next(32, 127), _ => random.Next(127, 0x3000) }));
                    break;
                case 2 when text.Length > 0: // flip the case of a letter
                    var index = Math.Min(position, text.Length - 1);
                    text[index] = char.IsUpper(text[index]) ? char.ToLowerInvariant(text[index]) : char.ToUpperInvariant(text[index]);
                    break;
                case 3: // insert a meaningful fragment
                    text.Insert(position, Fragments[random.Next(Fragments.Length)]);
                    break;
                case 4: // splice with another corpus entry
                    var other = Origins[random.Next(Origins.Length)];
                    text.Insert(position, other[random.Next(other.Length + 1)..]);
                    break;
                case 5 when text.Length > 0: // duplicate a slice
                    var start = random.Next(text.Length);
                    var length = random.Next(1, Math.Min(16, text.Length - start) + 1);
                    text.Insert(start, text.ToString(start, length));
                    break;
                case 6: // append a suffix browsers never send
                    text.Append(Fragments[random.Next(Fragments.Length)]);
                    break;
                case 7 when text.Length > 1: // truncate
                    text.Length = random.Next(text.Length);
                    break;
                case 8: // add a label in front of the host
                    var host = text.ToString().IndexOf("://", StringComparison.Ordinal);
                    text.Insert(host < 0 ? 0 : host + 3, "a" + random.Next(100) + ".");
                    break;
                default: // replace a character with a nearby one
                    if (text.Length > 0)
                    {
                        var at = Math.Min(position, text.Length - 1);
                        text[at] = (char)(text[at] + random.Next(-2, 3));
                    }

                    break;
            }
        }

        return text.ToString();
    }
}
