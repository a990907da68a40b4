/// Codes for spaces (spec/05 §4.4). The spec names some conditions (`SpaceNameInvalid`, ...);
/// messages start with that name, the numbering is ours.
public enum SpaceCode {
    /// `SpaceNameInvalid`: spec.name empty, over 20 characters, or not Chinese/letters/digits/`_`.
    public static let name = "E-SPC-01"
    /// `SpaceNameExists`: another space of the same instance has the same spec.name.
    public static let nameExists = "E-SPC-02"
    /// spec.products missing, empty, a duplicate, or not a product name.
    public static let products = "E-SPC-03"
    /// `ProductLacksPositioning`: a product whose thing model has no positioning property.
    public static let lacksPositioning = "E-SPC-04"
    /// spec.remark over 25 characters.
    public static let remark = "E-SPC-05"
    /// spec.authorization other than readOnly.
    public static let authorization = "E-SPC-06"
    /// "Unable to delete this space project": the space still has fences.
    public static let deleteWithFences = "E-SPC-07"
    /// A product of another instance than the space's.
    public static let productInstance = "E-SPC-08"
    /// spec.display names a product not in spec.products, or a property its thing model lacks.
    public static let display = "E-SPC-09"
    /// spec.instance is missing or names no declared instance.
    public static let instance = "E-SPC-10"
}

/// Codes for fences (spec/05 §6.9); geometry problems carry the engine's `E-GEO-nn` codes.
public enum FenceCode {
    /// spec.name empty, over 10 characters, or not Chinese/letters/digits/`_`.
    public static let name = "E-FEN-01"
    /// Another fence of the same space has the same spec.name.
    public static let nameExists = "E-FEN-02"
    /// spec.devices missing, empty, malformed or with a duplicate.
    public static let devices = "E-FEN-03"
    /// A bound device's product is not one of the space's products.
    public static let deviceProduct = "E-FEN-04"
    /// spec.trigger is not enter, leave or enterOrLeave.
    public static let trigger = "E-FEN-05"
    /// spec.space is missing or names no declared space.
    public static let space = "E-FEN-06"
    /// spec.shape is missing, has an unknown type, or is a district (not supported yet).
    public static let shape = "E-FEN-07"
    /// spec.description over 80 characters.
    public static let description = "E-FEN-08"
    /// A bound device that no Device manifest declares: it must be registered at runtime
    /// (dynamic registration, the console) before the fence can raise alarms for it.
    public static let undeclaredDevice = "W-FEN-01"
}

/// The positioning properties of a thing model (spec/05 §2, §3.1): a product whose thing model has
/// one of them may join a space.
public enum LocationProperties {
    public static let ids = ["GPS_Info", "GPS_ExtInfo", "Cell_Info", "Wifi_Info"]
}
