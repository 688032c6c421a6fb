#pragma once

#include "geo/model/encoding_choice.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace parkatlas::geo {

/// The encoding a DBF language driver id (header byte 29) stands for, or nullopt for 0 and
/// ids we do not know. 0x4D and 0x7A are CP936 (GBK); 0x4E is CP949; 0x4F and 0x78 CP950;
/// 0x57 is ANSI (CP1252 in practice); 0x03 CP1252; 0x01 CP437 …
std::optional<std::string> encodingFromLdid(std::uint8_t ldid);

/// Normalises a .cpg's contents ("UTF-8", "utf8", "936", "GBK", "ANSI 1250", "Big-5",
/// "shiftjis", "1251", "UTF-16" …) to an iconv name, or nullopt if it makes no sense.
std::optional<std::string> encodingFromCpg(std::string_view cpgText);

bool isValidUtf8(std::string_view bytes);
/// True when iconv (through which GDAL decodes) knows the encoding name.
bool isKnownEncoding(const std::string& name);
/// Replaces every byte that does not belong to a valid UTF-8 sequence with U+FFFD, so output
/// (JSON, CSV, a terminal) never carries broken text.
std::string sanitizeUtf8(std::string_view bytes);
bool isAscii(std::string_view bytes);

/// Guesses the encoding of legacy text from its bytes: UTF-8 if it is valid UTF-8; else a
/// single-byte code page when high bytes stand in odd-length runs (as in Latin, Greek or
/// Cyrillic words, never in GBK text), marked uncertain; else Shift-JIS or EUC-JP when the text
/// is mostly kana; else the likelier of GBK (CP936, the usual case in Chinese parks) and Big5
/// (CP950) by how much of the text falls in each one's common characters (GB18030 where
/// four-byte sequences occur), uncertain when neither fits well. GBK wins ties. Returns origin
/// Detected (or AsciiOnly) with the evidence in reason.
EncodingChoice detectEncoding(std::string_view bytes);

/// Decodes `bytes` from `encoding` to UTF-8 through CPLRecode (iconv). Bytes that do not decode
/// are replaced; never throws.
std::string toUtf8(std::string_view bytes, const std::string& encoding);

/// Decides the encoding of a shapefile's DBF: `userEncoding` if given; else the .cpg if it names
/// an encoding that the bytes agree with; else the LDID if the bytes agree with it; else
/// detection. "Agree": text declared UTF-8 must be valid UTF-8, and text declared GBK that is
/// valid multi-byte UTF-8 is taken as UTF-8 (a GBK text is almost never valid UTF-8). Reads the
/// header, the .cpg and up to a few MB of text fields. Throws IoError if the DBF cannot be read.
EncodingChoice chooseDbfEncoding(const std::string& dbfPath, const std::string& userEncoding = {});

} // namespace parkatlas::geo
