#pragma once

#include "geo/io/encoding.h"
#include "geo/message.h"

#include <string>
#include <string_view>
#include <vector>

namespace parkatlas::geo {

/// What the header of a DXF says about its text, and the bytes its text is really in.
/// Thread-safety: plain functions and values.
struct DxfHeader {
    std::string acadVersion; // $ACADVER: "AC1015" (R2000), "AC1021" (R2007) …; "" when absent
    std::string codePage;    // $DWGCODEPAGE as written: "ANSI_936", "ANSI_1252" …; "" when absent
    /// True when the first section is ENTITIES (no header, tables or blocks): GDAL 3.6 then
    /// decodes the text as ISO-8859-1 whatever DXF_ENCODING says.
    bool entitiesOnly = false;
    /// Every line of the file holding a byte above 0x7F (texts, layer names, attributes), joined
    /// by '\n', up to a few MB: what the encoding is judged on.
    std::string highByteText;
};

/// Scans a DXF's header variables and its non-ASCII lines (the first 32 MB). Throws IoError
/// naming the file when it cannot be read.
DxfHeader readDxfHeader(const std::string& path);
/// The same, from the bytes of a drawing (for tests and the fuzzer).
DxfHeader parseDxfHeader(std::string_view bytes);

/// True from AutoCAD R2007 ($ACADVER AC1021) on: such a DXF is UTF-8 whatever $DWGCODEPAGE says.
bool isUtf8DxfVersion(const std::string& acadVersion);

/// The iconv name of a DXF code page ("ANSI_936" → "CP936", "ANSI_1252" → "CP1252", "UTF8" →
/// "UTF-8"), "" for one we do not know.
std::string encodingFromDxfCodePage(const std::string& codePage);

/// The AutoCAD release of a $ACADVER / DWG version string: "AC1015" → "R2000",
/// "AC1027" → "R2013"; "" when unknown.
std::string autocadRelease(const std::string& acadVersion);

/// Decides how to decode a drawing's text (the DXF_ENCODING GDAL is given): `userEncoding` when
/// given; UTF-8 from R2007 on (GDAL 3.6 would decode such a file again per $DWGCODEPAGE); else
/// the code page, unless the bytes show that it lies (valid multi-byte UTF-8 under a legacy
/// code page, or clear GBK under a single-byte Western one), which `warnings` then says.
EncodingChoice chooseDxfEncoding(const DxfHeader& header, const std::string& userEncoding,
                                 std::vector<Message>& warnings);
/// The same, with the warnings in English.
EncodingChoice chooseDxfEncoding(const DxfHeader& header, const std::string& userEncoding,
                                 std::vector<std::string>& warnings);

/// Decodes the AutoCAD MIF (big font) escapes "\M+nXXXX" in text already in UTF-8: n names the
/// code page (1 CP932, 2 CP950, 3 CP949, 4 Johab, 5 CP936) and XXXX are its two bytes in hex.
/// Escapes with an unknown n or bad hex are left as they are. Never throws.
std::string decodeMifEscapes(std::string_view text);

/// MTEXT formatting that GDAL leaves in the text ("\A1;", "\H2.5x;", "\W0.8;", "\T1.1;",
/// "\Q15;", "\L" "\l" "\O" "\o" "\K" "\k", braces) removed, "\P" and "\n" made line breaks, "\~"
/// a space, "\\" "\{" "\}" their characters; MIF escapes decoded. Never throws.
std::string cleanCadText(std::string_view text);

} // namespace parkatlas::geo
