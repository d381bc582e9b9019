#!/usr/bin/env bash
# The first contact of a user with CorsKit, end to end: pack the library, reference the package
# (from a local folder, not the project) in a throwaway web app, add an appsettings.json policy
# and the two lines, start it on Kestrel at 127.0.0.1, and check a preflight and a blocked
# origin over real HTTP. Exits non-zero on any failure.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

# A version no NuGet cache can already hold, so the package under test is the one just packed.
version="0.0.0-consumer.$(date +%s)"
port=${CONSUMER_PORT:-5097}

echo "== pack CorsKit $version"
dotnet pack "$root/src/CorsKit" -c Release -o "$work/feed" -p:Version="$version" -p:ContinuousIntegrationBuild=true -v q -nologo
ls "$work/feed"
test -f "$work/feed/CorsKit.$version.nupkg" && test -f "$work/feed/CorsKit.$version.snupkg"
# Editors other than Visual Studio read the schema from a file: pack leaves it next to the package.
cmp "$work/feed/CorsKit.ConfigurationSchema.json" "$root/src/CorsKit/ConfigurationSchema.json"
unzip -l "$work/feed/CorsKit.$version.nupkg" | grep -q " ConfigurationSchema.json$"

echo "== README's pack, twice: each gets a version of its own, so no NuGet cache can serve an older build"
for _ in 1 2; do
  dotnet pack "$root/src/CorsKit" -c Release -o "$work/dev" -v q -nologo
  sleep 1
done
ls "$work/dev"
dev_versions=$(ls "$work/dev" | sed -n 's/^CorsKit\.\(0\.1\.0-dev\.[0-9]\{8\}T[0-9]\{6\}\)\.nupkg$/\1/p' | sort -u | wc -l)
[ "$dev_versions" = 2 ] || { echo "FAIL: two packs without a version did not give two 0.1.0-dev.<UTC time> packages"; exit 1; }

echo "== a throwaway app that references the package"
mkdir "$work/app"
cd "$work/app"
cat > nuget.config <<XML
<configuration>
  <packageSources>
    <add key="corskit-under-test" value="$work/feed" />
  </packageSources>
</configuration>
XML
cat > Consumer.csproj <<XML
<Project Sdk="Microsoft.NET.Sdk.Web">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="CorsKit" Version="$version" />
  </ItemGroup>
</Project>
XML
cat > appsettings.json <<'JSON'
{
  "Logging": { "LogLevel": { "Default": "Warning" } },
  "Cors": {
    "DefaultPolicy": "web",
    "Policies": {
      "web": {
        "Origins": [ "https://app.example.com" ],
        "Methods": [ "PUT" ],
        "Headers": [ "Content-Type" ],
        "AllowCredentials": true,
        "MaxAgeSeconds": 600
      }
    }
  }
}
JSON
cat > Program.cs <<'CS'
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddStrictCors();
var app = builder.Build();
app.UseStrictCors();
app.MapGet("/api/data", () => Results.Ok(new { message = "Securely Connected!" }));
app.MapPut("/api/data", () => Results.NoContent());
app.MapPost("/api/data", () => Results.Ok("posted"));
app.Run();
CS
dotnet restore --packages "$work/packages" -v q
grep -q "\"CorsKit/$version\"" obj/project.assets.json
grep -q '"type": "package"' obj/project.assets.json
echo "restored CorsKit $version as a package"
# Editors complete and validate appsettings.json from the schema segment the package's build targets contribute.
dotnet msbuild -getItem:JsonSchemaSegment -nologo | grep -q "ConfigurationSchema.json" \
  || { echo "FAIL: the package's build targets contribute no JsonSchemaSegment"; exit 1; }
echo "the package contributes its ConfigurationSchema.json as a JsonSchemaSegment"
dotnet build --no-restore -c Release -v q -nologo

echo "== start on http://127.0.0.1:$port"
ASPNETCORE_ENVIRONMENT=Production dotnet bin/Release/net10.0/Consumer.dll --urls "http://127.0.0.1:$port" > "$work/app.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
  curl -fs -o /dev/null "http://127.0.0.1:$port/api/data" && break
  sleep 0.1
done

fail() { echo "FAIL: $*"; echo "--- app log"; cat "$work/app.log"; exit 1; }
# status and headers of one request: curl -si, status on the first line
request() { curl -s -D - -o /dev/null "$@" "http://127.0.0.1:$port/api/data"; }
header() { grep -i "^$1:" | head -1 | cut -d: -f2- | tr -d ' \r'; }

echo "== allowed preflight"
response=$(request -X OPTIONS -H "Origin: https://app.example.com" -H "Access-Control-Request-Method: PUT" -H "Access-Control-Request-Headers: content-type")
echo "$response" | head -1 | grep -q " 204" || fail "allowed preflight: $response"
[ "$(echo "$response" | header Access-Control-Allow-Origin)" = "https://app.example.com" ] || fail "allowed preflight ACAO: $response"
[ "$(echo "$response" | header Access-Control-Allow-Credentials)" = "true" ] || fail "allowed preflight ACAC: $response"
[ "$(echo "$response" | header Access-Control-Allow-Methods)" = "PUT" ] || fail "allowed preflight ACAM: $response"
[ "$(echo "$response" | header Access-Control-Max-Age)" = "600" ] || fail "allowed preflight max-age: $response"

echo "== preflight from a disallowed origin"
response=$(request -X OPTIONS -H "Origin: https://evil.example" -H "Access-Control-Request-Method: PUT")
echo "$response" | head -1 | grep -q " 403" || fail "disallowed preflight: $response"
echo "$response" | grep -qi "^Access-Control-" && fail "disallowed preflight carries CORS headers: $response"

echo "== simple POST from a disallowed origin is blocked"
response=$(request -X POST -H "Origin: https://evil.example" -H "Content-Type: text/plain" --data x)
echo "$response" | head -1 | grep -q " 403" || fail "blocked POST: $response"
echo "$response" | grep -qi "^Access-Control-" && fail "blocked POST carries CORS headers: $response"

echo "== GET from the allowed origin"
response=$(request -H "Origin: https://app.example.com")
echo "$response" | head -1 | grep -q " 200" || fail "allowed GET: $response"
[ "$(echo "$response" | header Access-Control-Allow-Origin)" = "https://app.example.com" ] || fail "allowed GET ACAO: $response"
[ "$(echo "$response" | header Vary)" = "Origin" ] || fail "allowed GET Vary: $response"

echo "== native AOT: the package binds its configuration and answers a preflight with no trimming or AOT warning"
kill "$pid"; pid=""
mkdir "$work/aot"
cd "$work/aot"
cp "$work/app/nuget.config" .
cat > Aot.csproj <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
    <PublishAot>true</PublishAot>
  </PropertyGroup>
  <ItemGroup>
    <FrameworkReference Include="Microsoft.AspNetCore.App" />
    <PackageReference Include="CorsKit" Version="$version" />
  </ItemGroup>
</Project>
XML
cat > Program.cs <<'CS'
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

var configuration = new ConfigurationBuilder().AddJsonFile(Path.Combine(AppContext.BaseDirectory, "cors.json")).Build();
using var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration).AddStrictCors().BuildServiceProvider();
var app = new ApplicationBuilder(services);
app.UseStrictCors();
app.Run(_ => Task.CompletedTask);
var pipeline = app.Build();
var context = new DefaultHttpContext { RequestServices = services };
context.Request.Method = "OPTIONS";
context.Request.Headers.Origin = "https://app.example.com";
context.Request.Headers.AccessControlRequestMethod = "PUT";
context.Request.Headers.AccessControlRequestHeaders = "content-type";
await pipeline(context);
var headers = context.Response.Headers;
Console.WriteLine($"{context.Response.StatusCode} {headers.AccessControlAllowOrigin} {headers.AccessControlAllowMethods} {headers.AccessControlMaxAge}");
CS
cp "$work/app/appsettings.json" cors.json
publish_log=$(dotnet publish -c Release -o out --packages "$work/packages" -p:CopyOutputSymbolsToPublishDirectory=false -nologo 2>&1) || { echo "$publish_log"; fail "native AOT publish"; }
cp cors.json out/
echo "$publish_log" | grep -E "warning (IL|AOT)" && fail "trimming or AOT warnings"
result=$(./out/Aot)
[ "$result" = "204 https://app.example.com PUT 600" ] || fail "native AOT preflight: $result"
echo "native AOT build answered: $result"

echo "consumer test passed: the packed CorsKit $version works from a package reference, on Kestrel and as native AOT"
