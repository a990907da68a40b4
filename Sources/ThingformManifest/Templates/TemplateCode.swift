/// Codes for templates and their instances (README, "Template and TemplateInstance"). An error
/// inside a stamped resource keeps its kind's own code and names the template's line and the
/// instance.
public enum TemplateCode {
    /// A `Template` itself is malformed: a parameter's type or constraint, its default, its resources.
    public static let declaration = "E-TPL-01"
    /// A `TemplateInstance` names a template no manifest declares.
    public static let unknownTemplate = "E-TPL-02"
    /// A parameter without a default is given no value.
    public static let missingValue = "E-TPL-03"
    /// A value for a parameter the template does not declare.
    public static let unknownParameter = "E-TPL-04"
    /// A value of the wrong type for its parameter.
    public static let wrongType = "E-TPL-05"
    /// A value outside its parameter's constraints (range, pattern, length, enum values, items).
    public static let constraint = "E-TPL-06"
    /// A `${...}` reference in a template's resources that names nothing, or cannot go where it is.
    public static let reference = "E-TPL-07"
    /// Two templates, or two instances, with the same name.
    public static let duplicate = "E-TPL-08"
}
