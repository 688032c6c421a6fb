#pragma once

#include "geo/model/display_names.h"
#include "geo/model/role.h"

#include <QString>

#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

class QCoreApplication;

namespace parkatlas::geo {
class AttributeTable;
}

namespace parkatlas::desktop {

/// The user interface's language. Chinese (zh_CN) is shipped as translations/parkatlas_zh_CN.ts,
/// compiled into the program; English is the source text. The choice is kept in QSettings
/// ("ui/language": "system", "zh_CN" or "en") and takes effect when the program starts.

/// The stored choice: "system" (the default), "zh_CN" or "en".
QString languageSetting();
void setLanguageSetting(const QString& language);

/// The language to use for a setting: "zh_CN" or "en"; "system" follows QLocale::system()
/// (Chinese in any script or region: zh_CN).
QString resolveLanguage(const QString& setting);

/// Installs the translators of `language` ("zh_CN": ParkAtlas's and Qt's own, when Qt's are
/// installed) on the application; "en" removes them. Returns false when ParkAtlas's translation
/// could not be loaded. Call on the GUI thread before creating windows.
bool installTranslations(const QString& language);

/// The language of the installed translation: Chinese once installTranslations("zh_CN") has
/// run, else English.
geo::Language uiLanguage();

/// geo::displayName in the interface's language: what a panel, form or table shows for a rule
/// id, a contract field, a role or a column key (the id itself when styles/names.json does not
/// know it). GUI thread or any: it only reads.
QString uiName(geo::NameGroup group, std::string_view id, std::string_view role = {});

/// What `error` says in the interface's language: a geo::Error by geo::formatError (the file,
/// layer and feature kept), another exception by what().
QString uiErrorText(const std::exception& error);

/// The contract field each field of `table` stands for under `role` (geo::resolveContractFields:
/// "land_use" for a field spelled YDXZ), "" for a field that stands for none or without a role.
std::vector<std::string> contractFieldsOf(const geo::AttributeTable& table,
                                          std::optional<geo::Role> role);

/// What a form or a table header calls the field `field` that stands for the contract field
/// `contract` ("" for none) of `role`: the contract field's name in the interface's language,
/// the source field in brackets where it is spelled otherwise ("宗地代码 (ZDDM)"); a field that
/// stands for none by its name in styles/names.json, else as it is.
QString uiFieldName(const std::string& field, const std::string& contract,
                    std::optional<geo::Role> role);

} // namespace parkatlas::desktop
