/// Placeholder: the RuleSQL engine lands here.
