/// Codes for thing-model rules (spec/01 §11.3). Stable: docs and tests name them.
public enum ThingModelCode {
    /// Feature, parameter or struct-member `name` breaks the name rule (strict mode).
    public static let name = "E-TM-01"
    /// Feature identifier invalid, or not unique (case-insensitive) across the product.
    public static let identifier = "E-TM-02"
    /// Mapping label breaks the label rule (strict mode).
    public static let label = "E-TM-03"
    /// String `max` greater than 2048.
    public static let stringMax = "E-TM-04"
    /// `desc` longer than 80 characters.
    public static let description = "E-TM-05"
    /// Property `mode` missing or wrong; `mode` where it does not belong.
    public static let mode = "E-TM-06"
    /// Event `type` not info/alert/fault.
    public static let eventType = "E-TM-07"
    /// Parameter or struct-member identifier invalid, or duplicate within its list.
    public static let parameterIdentifier = "E-TM-08"
    /// `SystemFeatureImmutable`: the `_sys_` prefix or an injected system feature's identifier.
    public static let systemFeature = "E-TM-09"
    /// Unknown data type, or a type not allowed in that position.
    public static let dataType = "E-TM-10"
    /// Bool mapping without exactly the keys "0" and "1".
    public static let boolMapping = "E-TM-11"
    /// int/float bounds, start or step missing, malformed or inconsistent.
    public static let numberDefinition = "E-TM-12"
    /// int bound outside Int64; float bound not finite.
    public static let numberRange = "E-TM-13"
    /// String `min` malformed or above `max`; `max` below 1.
    public static let stringMin = "E-TM-14"
    /// Enum mapping empty, non-canonical integer key, or duplicate key.
    public static let enumMapping = "E-TM-15"
    /// Stringenum mapping empty, or a bad or duplicate key.
    public static let stringEnumMapping = "E-TM-16"
    /// Struct with 0 or more than 20 members, or a struct/array member.
    public static let structDefinition = "E-TM-17"
    /// Array without `arrayInfo`, a bad element type, or an invalid element definition.
    public static let arrayDefinition = "E-TM-18"
    /// `product` missing or unknown, or a second ThingModel for a product.
    public static let product = "E-TM-19"
    /// Console JSON import: syntax, `version`, shape, or unknown key (strict).
    public static let consoleJSON = "E-TM-20"

    /// Custom features on a product with voice skills.
    public static let customWithVoice = "W-TM-01"
    /// Imported `profile.ProductId` differs from the target product (ignored).
    public static let profileMismatch = "W-TM-02"
    /// Thing-model change on a product that has devices.
    public static let changeWithDevices = "W-TM-03"
    /// A lenient-mode relaxation was applied.
    public static let lenient = "W-TM-04"
}
