/// Codes for device batches (spec/02 §2.5, §2.6, §3.3-§3.10, §8). Names and quantities reuse the
/// device codes: E-DEV-01 (a name, or a duplicate in the product) and E-DEV-02 (1…10000).
public enum DeviceBatchCode {
    /// A batch for a public-instance product that is not released.
    public static let notReleased = "E-BAT-01"
    /// `oneModelOneSecret` on a product without dynamic registration.
    public static let needsDynamicRegistration = "E-BAT-02"
    /// `oneModelOneSecret` with `generation: auto` (one model, one secret uploads its names).
    public static let oneModelAuto = "E-BAT-03"
    /// The names file is not a UTF-8 `.csv`, is malformed, has no names, or repeats a name.
    public static let namesFile = "E-BAT-04"
    /// `quantity` and `namesFile` do not fit `generation`.
    public static let quantity = "E-BAT-05"
    /// The spec of an existing batch changed (batches are create-only).
    public static let createOnly = "E-BAT-06"
    /// `qrCode: auto` with `oneModelOneSecret`, or on an enterprise instance.
    public static let qrCode = "E-BAT-07"
    /// A batch manifest was removed: the record and its devices are kept (warning).
    public static let retained = "W-BAT-01"
    /// `qrCode: auto` for a product whose devices use the universal (Type I) code (warning).
    public static let universalQRCode = "W-BAT-02"
}
