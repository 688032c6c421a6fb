#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace parkatlas::geo {

/// A number written as text, read the same whatever LC_NUMERIC says (std::from_chars: '.' is the
/// decimal point; strtod and stod follow the C locale, and Qt sets it from the environment, so
/// under a decimal-comma locale they read "1.5" as 1): blanks around it and a leading '+' are
/// allowed, the rest must be the number; nullopt otherwise. Infinities and NaN are returned as
/// such (callers that want finite numbers check). Thread-safe.
std::optional<double> parseDecimal(std::string_view text);

/// A real as text with up to 15 significant digits ("%.15g" in the C locale), whatever
/// LC_NUMERIC says. Thread-safe.
std::string formatReal15(double value);

} // namespace parkatlas::geo
