;; Typed fields and parameters whose class the code states.
(public_field_definition
  name: (property_identifier) @member.name type: (type_annotation (type_identifier) @member.type))
(public_field_definition
  name: (property_identifier) @member.name
  value: (new_expression constructor: [(identifier) (member_expression)] @member.type))
(required_parameter (accessibility_modifier)
  pattern: (identifier) @member.name type: (type_annotation (type_identifier) @member.type))
(optional_parameter (accessibility_modifier)
  pattern: (identifier) @member.name type: (type_annotation (type_identifier) @member.type))
(assignment_expression
  left: (member_expression object: (this) property: (property_identifier) @member.name)
  right: (new_expression constructor: [(identifier) (member_expression)] @member.type))
(required_parameter
  pattern: (identifier) @param.name type: (type_annotation (type_identifier) @param.type))
(optional_parameter
  pattern: (identifier) @param.name type: (type_annotation (type_identifier) @param.type))
(member_expression object: (super) @super)
(public_field_definition
  name: (property_identifier) @member.name
  type: (type_annotation (generic_type name: (type_identifier) @member.type)))
(required_parameter (accessibility_modifier)
  pattern: (identifier) @member.name
  type: (type_annotation (generic_type name: (type_identifier) @member.type)))
(required_parameter
  pattern: (identifier) @param.name
  type: (type_annotation (generic_type name: (type_identifier) @param.type)))
(optional_parameter
  pattern: (identifier) @param.name
  type: (type_annotation (generic_type name: (type_identifier) @param.type)))
