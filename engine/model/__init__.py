"""Pure data: periods, units, the spec model, readings, problems, the comparison rule, safe text."""
