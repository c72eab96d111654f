using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Switchyard.Compat.Tests.Infrastructure;
using Switchyard.Protocol.Signing;

namespace Switchyard.Compat.Tests;

/// <summary>Differential test: random JSON texts, canonicalized and signed by Switchyard and by the very code the
/// inngest SDK verifies signatures with (<c>canonicalize</c> and <c>signDataWithKey</c> under
/// <c>app/node_modules</c>), must agree byte for byte.</summary>
public sealed class CanonicalJsonAgainstNodeTests
{
    private const string Key = "signkey-test-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private const string Timestamp = "1795721893";

    // Reads one JSON text per line; writes [canonical, signature] per input as one JSON array.
    private const string Script = """
        const fs = require("node:fs");
        const path = require("node:path");
        const canonicalize = require("canonicalize");
        const { signDataWithKey } = require(path.join(process.cwd(), "node_modules/inngest/helpers/net.cjs"));
        const logger = { debug() {}, info() {}, warn() {}, error() {} };
        (async () => {
          const lines = fs.readFileSync(process.argv[1], "utf8").split("\n").filter((l) => l.length > 0);
          const out = [];
          for (const line of lines) {
            const value = JSON.parse(line);
            out.push([canonicalize(value), await signDataWithKey(value, process.argv[2], process.argv[3], logger)]);
          }
          process.stdout.write(JSON.stringify(out));
        })();
        """;

    [Fact]
    public async Task Random_documents_canonicalize_and_sign_as_the_js_sdk_does()
    {
        await NodeApp.EnsureInstalledAsync(CancellationToken.None);
        var random = new Random(20261126);
        var documents = Enumerable.Range(0, 1000).Select(_ => RandomValue(random, 0)).ToList();
        // Hand-picked edge cases on top of the random ones.
        documents.AddRange([
            """{"a":1,"a":2}""", """[1.0,1e21,1e-7,-0,0.000001,123456789012345678901234567890]""", """{"\ud800":"\udfff","\u00e9":"é"}""",
            "\"plain string\"", """{"":{"":[]}}""", """[1E400,-1E400,1e-400]""", """{"z":"\u2028\u2029\u007f\u0000"}""",
        ]);
        var input = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(input, string.Join("\n", documents) + "\n", new UTF8Encoding(false));
            var info = new ProcessStartInfo("node") { WorkingDirectory = NodeApp.AppDirectory(), RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { "-e", Script, input, Key, Timestamp }) info.ArgumentList.Add(arg);
            using var node = Process.Start(info)!;
            var stdout = node.StandardOutput.ReadToEndAsync();
            var stderr = node.StandardError.ReadToEndAsync();
            await node.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(node.ExitCode == 0, await stderr);
            var results = JsonDocument.Parse(await stdout).RootElement;
            Assert.Equal(documents.Count, results.GetArrayLength());

            var at = DateTimeOffset.FromUnixTimeSeconds(long.Parse(Timestamp, CultureInfo.InvariantCulture));
            for (var i = 0; i < documents.Count; i++)
            {
                var expectedCanonical = results[i][0].GetString();
                var expectedSignature = results[i][1].GetString();
                var bytes = Encoding.UTF8.GetBytes(documents[i]);
                if (documents[i].StartsWith('"'))
                {
                    // A top-level string is signed as its own text by the SDK; only the signature is comparable.
                    Assert.True(RequestSignature.Verify($"t={Timestamp}&s={expectedSignature}", bytes, Key, null, at).Valid, documents[i]);
                    continue;
                }
                var canonical = CanonicalJson.CanonicalizeToString(bytes);
                Assert.True(expectedCanonical == canonical, $"input {documents[i]}\n  node:       {expectedCanonical}\n  switchyard: {canonical}");
                Assert.Equal($"t={Timestamp}&s={expectedSignature}", RequestSignature.Create(Encoding.UTF8.GetBytes(canonical), Key, at));
                Assert.True(RequestSignature.Verify($"t={Timestamp}&s={expectedSignature}", bytes, Key, null, at).Valid);
            }
        }
        finally
        {
            File.Delete(input);
        }
    }

    /// <summary>A random JSON text on one line: shuffled and repeated keys, numbers in many spellings, strings with
    /// every kind of escape (control characters, unpaired surrogates, non-ASCII written raw or escaped).</summary>
    private static string RandomValue(Random random, int depth)
    {
        switch (random.Next(depth >= 3 ? 4 : 6))
        {
            case 0: return random.Next(3) switch { 0 => "null", 1 => "true", _ => "false" };
            case 1: return RandomNumber(random);
            case 2:
            case 3: return RandomString(random);
            case 4:
                return "[" + string.Join(",", Enumerable.Range(0, random.Next(5)).Select(_ => RandomValue(random, depth + 1))) + "]";
            default:
                var members = Enumerable.Range(0, random.Next(6)).Select(_ => RandomString(random) + " : " + RandomValue(random, depth + 1)).ToList();
                if (members.Count > 0 && random.Next(4) == 0) members.Add(members[0].Split(" : ")[0] + ":" + RandomNumber(random));
                return "{ " + string.Join(" ,", members) + " }";
        }
    }

    private static string RandomNumber(Random random)
    {
        switch (random.Next(6))
        {
            case 0: return random.Next(-100000, 100000).ToString(CultureInfo.InvariantCulture);
            case 1: return (random.NextDouble() * Math.Pow(10, random.Next(-12, 25))).ToString("R", CultureInfo.InvariantCulture);
            case 2:
                var bits = BitConverter.Int64BitsToDouble(random.NextInt64());
                return double.IsFinite(bits) ? bits.ToString("E16", CultureInfo.InvariantCulture) : "0";
            case 3: return $"{random.Next(1, 999)}.{random.Next(0, 999):D3}e{random.Next(-30, 30)}";
            case 4: return $"{random.Next(0, 99)}.{new string('0', random.Next(1, 4))}";
            default: return random.Next(2) == 0 ? "-0" : "1E+21";
        }
    }

    private static string RandomString(Random random)
    {
        var sb = new StringBuilder("\"");
        for (var i = random.Next(8); i > 0; i--)
        {
            switch (random.Next(9))
            {
                case 0: sb.Append($"\\u{random.Next(0x20):x4}"); break;
                case 1: sb.Append(@"\""").Append(@"\\").Append(@"\/"); break;
                case 2: sb.Append("\\b\\f\\n\\r\\t"); break;
                case 3: sb.Append((char)random.Next(0xA0, 0x2000)); break;
                case 4: sb.Append(char.ConvertFromUtf32(random.Next(0x10000, 0x10FFFF))); break;
                case 5: sb.Append($"\\u{random.Next(0xD800, 0xE000):X4}"); break;
                case 6: sb.Append($"\\u{random.Next(0x80, 0xFFFF):X4}"); break;
                case 7: sb.Append('\u2028').Append('\u007f'); break;
                default: sb.Append((char)random.Next('a', 'z' + 1)); break;
            }
        }
        return sb.Append('"').ToString();
    }
}
