using System.Collections;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using System.Reflection;

namespace ObsScaling.PowerShell.Model;

/// <summary>
/// How PowerShell sees an output type with one list of numbers (a forecast's predictor values): its other public
/// properties in declaration order, then the list as numbered columns (<c>Predictor1</c>, <c>Predictor2</c>, …), so
/// Export-Csv and Select-Object write one number per cell instead of "System.Double[]". The list itself still
/// resolves by name (<c>$f.Predictors</c>) but is not listed. Registered by ObsScaling.psm1, like
/// <see cref="ObsModelAdapter"/>.
/// </summary>
/// <remarks>
/// A cast of a flat row (<c>[ObsForecast]$row</c> after Import-Csv) is PowerShell's property assignment through this
/// adapter, so setting reads what Import-Csv gives: text numbers in the invariant culture, an empty cell as null,
/// the numbered columns in order (empty ones past the end are a shorter law's in a file of several), the joined
/// form "0.12;3.4" for the list, and a derived read-only column (EquivalentFlopsE21) checked against its source.
/// A value that does not fit is refused naming the column and the value.
/// </remarks>
public abstract class NumberedColumnsAdapter : PSPropertyAdapter
{
    private readonly PropertyInfo[] _listed;
    private readonly PropertyInfo _list;
    private readonly string _prefix;

    /// <param name="type">The adapted type.</param>
    /// <param name="list">Its list property, an <see cref="IReadOnlyList{T}"/> of double.</param>
    /// <param name="prefix">The numbered columns' name before the 1-based index.</param>
    private protected NumberedColumnsAdapter(Type type, string list, string prefix)
    {
        ArgumentNullException.ThrowIfNull(type);
        _list = type.GetProperty(list) ?? throw new ArgumentException($"{type.Name} has no property {list}.", nameof(list));
        _listed = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.Name != list && p.GetIndexParameters().Length == 0).OrderBy(p => p.MetadataToken).ToArray();
        _prefix = prefix;
    }

    public override Collection<PSAdaptedProperty> GetProperties(object baseObject)
    {
        var properties = new Collection<PSAdaptedProperty>();
        foreach (var p in _listed)
        {
            properties.Add(new PSAdaptedProperty(p.Name, p));
        }

        for (var i = 0; i < Values(baseObject).Count; i++)
        {
            properties.Add(new PSAdaptedProperty(ColumnName(i), new Column(i)));
        }

        return properties;
    }

    public override PSAdaptedProperty? GetProperty(object baseObject, string propertyName)
    {
        var clr = _listed.Append(_list).FirstOrDefault(p => string.Equals(p.Name, propertyName, StringComparison.OrdinalIgnoreCase));
        if (clr is not null)
        {
            return new PSAdaptedProperty(clr.Name, clr);
        }

        // Any index resolves (null past the end), so a row of a longer list can be assigned column by column.
        return Index(propertyName) is { } i ? new PSAdaptedProperty(ColumnName(i), new Column(i)) : null;
    }

    public override bool IsGettable(PSAdaptedProperty adaptedProperty) => true;

    public override bool IsSettable(PSAdaptedProperty adaptedProperty) => adaptedProperty.Tag is Column or PropertyInfo { CanWrite: true };

    public override object? GetPropertyValue(PSAdaptedProperty adaptedProperty)
    {
        ArgumentNullException.ThrowIfNull(adaptedProperty);
        return adaptedProperty.Tag switch
        {
            Column c => Values(adaptedProperty.BaseObject) is var values && c.Index < values.Count ? values[c.Index] : null,
            PropertyInfo p => p.GetValue(adaptedProperty.BaseObject),
            _ => null,
        };
    }

    public override void SetPropertyValue(PSAdaptedProperty adaptedProperty, object? value)
    {
        ArgumentNullException.ThrowIfNull(adaptedProperty);
        var item = adaptedProperty.BaseObject;
        var raw = value is PSObject p ? p.BaseObject : value;
        switch (adaptedProperty.Tag)
        {
            case Column c:
                SetColumn(item, c.Index, Number(ColumnName(c.Index), raw));
                break;
            case PropertyInfo list when list == _list:
                _list.SetValue(item, Joined(list.Name, raw));
                break;
            case PropertyInfo { CanWrite: false } derived:
                CheckDerived(item, derived, raw);
                break;
            case PropertyInfo property:
                property.SetValue(item, Convert(property, raw));
                break;
        }
    }

    public override string GetPropertyTypeName(PSAdaptedProperty adaptedProperty)
    {
        ArgumentNullException.ThrowIfNull(adaptedProperty);
        return adaptedProperty.Tag switch
        {
            // PowerShell converts a value to this type before it is set, and its conversions read an empty cell as 0 or
            // refuse it ("" to DateTime?); settable ones are taken as given and converted by SetPropertyValue instead.
            Column => typeof(object).FullName!,
            PropertyInfo { CanWrite: true } => typeof(object).FullName!,
            PropertyInfo p => p.PropertyType.FullName!,
            _ => typeof(object).FullName!,
        };
    }

    private string ColumnName(int index) => _prefix + (index + 1).ToString(CultureInfo.InvariantCulture);

    /// <summary>The 0-based index a numbered column names ("Predictor2" → 1), or null.</summary>
    private int? Index(string column) =>
        column.Length > _prefix.Length && column.StartsWith(_prefix, StringComparison.OrdinalIgnoreCase)
        && int.TryParse(column.AsSpan(_prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1
            ? n - 1
            : null;

    private IReadOnlyList<double> Values(object baseObject) => (IReadOnlyList<double>?)_list.GetValue(baseObject) ?? [];

    private void SetColumn(object item, int index, double? value)
    {
        var values = Values(item);
        if (value is not { } v)
        {
            if (index < values.Count)
            {
                throw new SetValueException($"{ColumnName(index)} cannot be emptied: {_list.Name} is one list of {values.Count} numbers.");
            }

            return;
        }

        if (index > values.Count)
        {
            throw new SetValueException($"{ColumnName(index)} has {v.ToString("R", CultureInfo.InvariantCulture)} but {ColumnName(values.Count)} has no value: the numbered columns of a row are one list.");
        }

        var copy = values.ToList();
        if (index == copy.Count)
        {
            copy.Add(v);
        }
        else
        {
            copy[index] = v;
        }

        _list.SetValue(item, new ObsValues(copy));
    }

    /// <summary>A derived column (EquivalentFlopsE21 = 10^EquivalentLog10FlopsE21) is accepted only when it agrees with what it derives from.</summary>
    private static void CheckDerived(object item, PropertyInfo derived, object? value)
    {
        var given = Number(derived.Name, value);
        var actual = derived.GetValue(item) is { } a ? System.Convert.ToDouble(a, CultureInfo.InvariantCulture) : (double?)null;
        if (given is null || (actual is { } x && given is { } y && (x == y || Math.Abs(x - y) <= 1e-12 * Math.Max(Math.Abs(x), Math.Abs(y)))))
        {
            return;
        }

        throw new SetValueException($"{derived.Name} is computed from the other columns ({(actual is { } v ? v.ToString("R", CultureInfo.InvariantCulture) : "null")}); '{Text(value)}' does not agree with it.");
    }

    private static string? Text(object? value)
    {
        var s = value switch
        {
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value?.ToString(),
        };
        return string.IsNullOrWhiteSpace(s) ? null : s.Trim();
    }

    private static object? Convert(PropertyInfo property, object? value)
    {
        var type = property.PropertyType;
        var underlying = Nullable.GetUnderlyingType(type);
        if (value is null || (value is string && Text(value) is null))
        {
            if (underlying is not null || (!type.IsValueType && new NullabilityInfoContext().Create(property).WriteState == NullabilityState.Nullable))
            {
                return null;
            }

            return type == typeof(string) ? "" : throw new SetValueException($"{property.Name} is empty but needs a value.");
        }

        var target = underlying ?? type;
        if (target == typeof(double))
        {
            return Number(property.Name, value);
        }

        if (target == typeof(bool) && value is string)
        {
            // PowerShell's own conversion makes every non-empty string $true, "False" included.
            return bool.TryParse(Text(value), out var flag) ? flag : throw new SetValueException($"{property.Name} has '{Text(value)}', which is not True or False.");
        }

        try
        {
            return LanguagePrimitives.ConvertTo(value is string ? Text(value) : value, target, CultureInfo.InvariantCulture);
        }
        catch (PSInvalidCastException)
        {
            throw new SetValueException($"{property.Name} has '{Text(value)}', which is not a {target.Name}.");
        }
    }

    private static double? Number(string column, object? value)
    {
        switch (value)
        {
            case null:
                return null;
            case double d:
                return d;
            case IConvertible c when value is not string:
                return c.ToDouble(CultureInfo.InvariantCulture);
        }

        var text = Text(value);
        if (text is null)
        {
            return null;
        }

        // "R" and Export-Csv write NaN and infinities as words double.Parse reads back, so a forecast's own values round-trip.
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : throw new SetValueException($"{column} has '{text}', which is not a number.");
    }

    private static ObsValues Joined(string column, object? value)
    {
        if (value is IEnumerable list and not string)
        {
            return new ObsValues([.. list.Cast<object?>().Select(v => Number(column, v is PSObject p ? p.BaseObject : v) ?? throw new SetValueException($"{column} has an empty value in its list."))]);
        }

        var text = Text(value);
        return text is null
            ? ObsValues.Empty
            : new ObsValues([.. text.Split(';').Select(part => Number(column, part) ?? throw new SetValueException($"{column} has '{text}', which has an empty value between its ';'."))]);
    }

    private sealed record Column(int Index);
}
