#pragma once

#include "geo/model/display_names.h"

#include <QString>

#include <string_view>

class QCoreApplication;

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

} // namespace parkatlas::desktop
