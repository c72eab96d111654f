using System.Buffers.Binary;
using System.Globalization;
using Switchyard.Protocol.Signing;

namespace Switchyard.Protocol.Tests.Signing;

public sealed class EcmaScriptNumberTests
{
    // Expected texts were produced by node 20 (String(x)) from the IEEE-754 bit patterns; the first block is the
    // RFC 8785 appendix table, the last blocks are pseudo-random doubles.
    [Theory]
    [InlineData("0000000000000000", "0")]
    [InlineData("8000000000000000", "0")]
    [InlineData("0000000000000001", "5e-324")]
    [InlineData("8000000000000001", "-5e-324")]
    [InlineData("7fefffffffffffff", "1.7976931348623157e+308")]
    [InlineData("ffefffffffffffff", "-1.7976931348623157e+308")]
    [InlineData("4340000000000000", "9007199254740992")]
    [InlineData("c340000000000000", "-9007199254740992")]
    [InlineData("4430000000000000", "295147905179352830000")]
    [InlineData("44b52d02c7e14af5", "9.999999999999997e+22")]
    [InlineData("44b52d02c7e14af6", "1e+23")]
    [InlineData("44b52d02c7e14af7", "1.0000000000000001e+23")]
    [InlineData("444b1ae4d6e2ef4e", "999999999999999700000")]
    [InlineData("444b1ae4d6e2ef4f", "999999999999999900000")]
    [InlineData("444b1ae4d6e2ef50", "1e+21")]
    [InlineData("3eb0c6f7a0b5ed8c", "9.999999999999997e-7")]
    [InlineData("3eb0c6f7a0b5ed8d", "0.000001")]
    [InlineData("41b3de4355555553", "333333333.3333332")]
    [InlineData("41b3de4355555554", "333333333.33333325")]
    [InlineData("41b3de4355555555", "333333333.3333333")]
    [InlineData("41b3de4355555556", "333333333.3333334")]
    [InlineData("41b3de4355555557", "333333333.33333343")]
    [InlineData("becbf647612f3696", "-0.0000033333333333333333")]
    [InlineData("43143ff3c1cb0959", "1424953923781206.2")]
    [InlineData("1c0d57f10c894254", "1.4830122828920016e-173")]
    [InlineData("43f04a6ece53d613", "18781959765316678000")]
    [InlineData("e2b8410510668fa6", "-3.575532127436644e+167")]
    [InlineData("8f7b1bac9609eaf7", "-4.262874002980358e-234")]
    [InlineData("5fe48bdeead11f23", "8.60880578948587e+153")]
    [InlineData("41b96ab112ea4c55", "426422546.91522723")]
    [InlineData("c360b934d02e7346", "-37657888876108340")]
    [InlineData("36aed0278207c317", "2.698647105952319e-45")]
    [InlineData("4151106c68d4237d", "4473265.637947914")]
    [InlineData("3d25ae342bca3341", "3.851227526593949e-14")]
    [InlineData("3f46c886b136f8fa", "0.0006952912976243835")]
    [InlineData("43d456b49f7c1431", "5862229303320692000")]
    [InlineData("429637ad589dac97", "6107096819563.147")]
    [InlineData("4076e8c0152750d2", "366.54689517362306")]
    [InlineData("3ebe01fb8d3480b7", "0.000001788600958736769")]
    [InlineData("3edd75e3db96d63e", "0.000007023932476914845")]
    [InlineData("4370bffec4ee4784", "75435209182705730")]
    [InlineData("433010950fe5f1d8", "4521832030269912")]
    [InlineData("3bc01d66a3f849f6", "6.824903352294765e-21")]
    public void Formats_like_javascript(string bits, string expected) =>
        Assert.Equal(expected, EcmaScriptNumber.Format(FromBits(bits)));

    [Theory]
    [InlineData(1.0, "1")]
    [InlineData(1e21, "1e+21")]
    [InlineData(1e20, "100000000000000000000")]
    [InlineData(-0.0, "0")]
    [InlineData(0.1, "0.1")]
    [InlineData(0.000001, "0.000001")]
    [InlineData(0.0000001, "1e-7")]
    [InlineData(1.23e-7, "1.23e-7")]
    [InlineData(2.5e-7, "2.5e-7")]
    [InlineData(100.0, "100")]
    [InlineData(12345678901234567890.0, "12345678901234567000")]
    [InlineData(0.30000000000000004, "0.30000000000000004")]
    [InlineData(1.5e300, "1.5e+300")]
    [InlineData(4.35, "4.35")]
    [InlineData(-1.5, "-1.5")]
    [InlineData(123456789.0, "123456789")]
    public void Formats_decimal_literals_like_javascript(double value, string expected) =>
        Assert.Equal(expected, EcmaScriptNumber.Format(value));

    [Fact]
    public void Non_finite_values_have_their_javascript_names()
    {
        Assert.Equal("NaN", EcmaScriptNumber.Format(double.NaN));
        Assert.Equal("Infinity", EcmaScriptNumber.Format(double.PositiveInfinity));
        Assert.Equal("-Infinity", EcmaScriptNumber.Format(double.NegativeInfinity));
    }

    /// <summary>Property test over many random doubles of every magnitude: the text round-trips to the same double,
    /// no shorter digit string does, and the layout follows the ECMAScript thresholds.</summary>
    [Fact]
    public void Random_doubles_round_trip_with_the_shortest_digits_and_the_javascript_layout()
    {
        var random = new Random(4242);
        Span<byte> bytes = stackalloc byte[8];
        for (var i = 0; i < 20_000; i++)
        {
            double value;
            if (i % 2 == 0)
            {
                random.NextBytes(bytes);
                value = BitConverter.Int64BitsToDouble(BinaryPrimitives.ReadInt64LittleEndian(bytes));
                if (!double.IsFinite(value)) continue;
            }
            else
            {
                // Moderate magnitudes, where the plain and exponent layouts meet.
                value = (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-25, 26));
            }
            var text = EcmaScriptNumber.Format(value);
            var parsed = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
            Assert.True(parsed == value, $"{text} does not round-trip to {value:R}");

            var mantissa = text.TrimStart('-');
            var e = mantissa.IndexOf('e', StringComparison.Ordinal);
            var exponent = e < 0 ? 0 : int.Parse(mantissa[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            var digits = (e < 0 ? mantissa : mantissa[..e]).Replace(".", "", StringComparison.Ordinal).TrimStart('0').TrimEnd('0');
            if (value != 0 && digits.Length > 1)
            {
                var shorter = Math.Abs(value).ToString("E" + (digits.Length - 2), CultureInfo.InvariantCulture);
                Assert.NotEqual(Math.Abs(value), double.Parse(shorter, CultureInfo.InvariantCulture));
            }
            var magnitude = Math.Abs(value);
            if (magnitude >= 1e21 || (magnitude < 1e-6 && magnitude > 0))
                Assert.True(e > 0 && exponent != 0, $"{value:R} should use an exponent: {text}");
            else
                Assert.True(e < 0, $"{value:R} should be plain: {text}");
            Assert.DoesNotContain("E", text, StringComparison.Ordinal);
            Assert.DoesNotContain("+", e < 0 ? text : text[..e], StringComparison.Ordinal);
        }
    }

    private static double FromBits(string hex) =>
        BitConverter.Int64BitsToDouble(BinaryPrimitives.ReadInt64BigEndian(Convert.FromHexString(hex)));
}
