#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace parkatlas::geo {

/// What one text or block attribute inside a plot says, read the ways design institutes write
/// 控规 labels: a land-use code ("M1", "B1/R2", "100101"), a plot number ("A-01", "B0702-1",
/// "02-03"), and the indicators ("容积率≤2.0", "FAR 1.2-2.5", "密度≥40%", "绿地率≤20%", or the
/// stacked "M1 / 2.0 / 40% / 20%": code, FAR, building density, green ratio). Ratios are
/// fractions (40% → 0.4). Indicator readings:
/// - FAR: "≤ x" or a bare x → far_max; "≥ x" → far_min; "x-y" → both.
/// - building density (建筑密度, 密度, 建筑系数): "≥ x" or bare → cover_min; "≤ x" → cover_max.
/// - green ratio (绿地率, 绿化率): "≤ x" or bare → green_max; "≥ x" → green_min.
struct PlotLabel {
    std::vector<std::string> landUseCodes; // as the tables spell them (normalised)
    std::vector<std::string> plotIds;
    std::optional<double> farMin, farMax, coverMin, coverMax, greenMin, greenMax;
    /// Parts of the text that say none of the above (a road name, "H≤24m"), for the report.
    std::vector<std::string> notUnderstood;
    /// Two different values for the same indicator within one text.
    std::vector<std::string> conflicts;
};

/// Whether a (normalised) code is a land-use code of a known classification. The importer
/// passes one built on LandUseClassification; tests and the fuzzer may pass their own.
using LandUseCodeTest = std::function<bool(const std::string& code)>;

/// The test the importer uses: a code LandUseClassification::standard() knows, or one shaped
/// like a GB 50137 code (a letter of R A B M W S U G H E, then up to three digits not starting
/// with 0: "M1", "U11"), or a 4- or 6-digit code whose first two digits the tables know.
LandUseCodeTest standardLandUseCodeTest();

/// Reads one text (already decoded to UTF-8, MTEXT formatting removed; lines split on '\n').
/// Never throws.
PlotLabel readPlotLabel(std::string_view text, const LandUseCodeTest& isLandUseCode);

/// True for text shaped like a plot number: letters then digits with dashes ("A-01", "B0702-1",
/// "DK12"), or digit groups joined by dashes ("02-03").
bool looksLikePlotId(std::string_view text);

} // namespace parkatlas::geo
