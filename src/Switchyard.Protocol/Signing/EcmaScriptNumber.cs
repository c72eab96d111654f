using System.Globalization;
using System.Text;

namespace Switchyard.Protocol.Signing;

/// <summary>Formats doubles exactly as ECMAScript's <c>Number.prototype.toString()</c> (and so <c>JSON.stringify</c>)
/// does: the shortest digit string that round-trips, in plain notation for exponents -7 &lt; e &lt; 21 and
/// <c>d.ddde±x</c> otherwise. RFC 8785 prescribes this form for numbers in canonical JSON.</summary>
public static class EcmaScriptNumber
{
    /// <summary>The ECMAScript text of <paramref name="value"/>; <c>-0</c> is <c>0</c>. Non-finite values give
    /// <c>NaN</c>, <c>Infinity</c> or <c>-Infinity</c> (JSON has no such numbers; callers decide what to write).</summary>
    public static string Format(double value)
    {
        if (double.IsNaN(value)) return "NaN";
        if (double.IsPositiveInfinity(value)) return "Infinity";
        if (double.IsNegativeInfinity(value)) return "-Infinity";
        if (value == 0) return "0";
        if (value < 0) return "-" + Format(-value);

        var (digits, n) = ShortestDigits(value);
        var k = digits.Length;
        var sb = new StringBuilder(32);
        if (k <= n && n <= 21)
        {
            sb.Append(digits).Append('0', n - k);
        }
        else if (0 < n && n <= 21)
        {
            sb.Append(digits, 0, n).Append('.').Append(digits, n, k - n);
        }
        else if (-6 < n && n <= 0)
        {
            sb.Append("0.").Append('0', -n).Append(digits);
        }
        else
        {
            var exponent = n - 1;
            sb.Append(digits[0]);
            if (k > 1) sb.Append('.').Append(digits, 1, k - 1);
            sb.Append('e').Append(exponent < 0 ? '-' : '+').Append(Math.Abs(exponent).ToString(CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    /// <summary>The shortest round-tripping significant digits of a positive finite value (no leading or trailing
    /// zeros) and the position n of the decimal point, so that value = 0.digits × 10^n.</summary>
    private static (string Digits, int N) ShortestDigits(double value)
    {
        // "R" is the shortest round-trippable form on .NET Core 3.0+; its layout (plain or E-notation) varies, so
        // only its digits and exponent are used.
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        var exponent = 0;
        var e = text.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exponent = int.Parse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            text = text[..e];
        }
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        var integerDigits = dot < 0 ? text.Length : dot;
        var all = dot < 0 ? text : text.Remove(dot, 1);
        var leadingZeros = 0;
        while (leadingZeros < all.Length - 1 && all[leadingZeros] == '0') leadingZeros++;
        var digits = all[leadingZeros..].TrimEnd('0');
        return (digits, integerDigits - leadingZeros + exponent);
    }
}
