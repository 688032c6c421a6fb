#include "app/desktop/translation.h"

#include "geo/error.h"
#include "geo/model/issue_text.h"
#include "geo/model/park.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QSettings>
#include <QTranslator>

namespace parkatlas::desktop {

namespace {

const QString kSettingKey = QStringLiteral("ui/language");

struct Translators {
    QTranslator parkAtlas;
    QTranslator qt;
    bool installed = false;
};

Translators& translators()
{
    static Translators instance;
    return instance;
}

} // namespace

QString languageSetting()
{
    const QString value = QSettings().value(kSettingKey, QStringLiteral("system")).toString();
    if (value == QLatin1String("zh_CN") || value == QLatin1String("en"))
        return value;
    return QStringLiteral("system");
}

void setLanguageSetting(const QString& language)
{
    QSettings().setValue(kSettingKey, language);
}

QString resolveLanguage(const QString& setting)
{
    if (setting == QLatin1String("zh_CN") || setting == QLatin1String("en"))
        return setting;
    return QLocale::system().language() == QLocale::Chinese ? QStringLiteral("zh_CN")
                                                            : QStringLiteral("en");
}

bool installTranslations(const QString& language)
{
    Translators& installed = translators();
    if (installed.installed) {
        QCoreApplication::removeTranslator(&installed.parkAtlas);
        QCoreApplication::removeTranslator(&installed.qt);
        installed.installed = false;
    }
    if (language != QLatin1String("zh_CN"))
        return true;
    // Embedded by qt_add_translations (app/desktop/CMakeLists.txt) under :/i18n.
    if (!installed.parkAtlas.load(QStringLiteral(":/i18n/parkatlas_zh_CN.qm")))
        return false;
    QCoreApplication::installTranslator(&installed.parkAtlas);
    if (installed.qt.load(QStringLiteral("qtbase_zh_CN"),
                          QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(&installed.qt);
    installed.installed = true;
    return true;
}

geo::Language uiLanguage()
{
    return translators().installed ? geo::Language::Chinese : geo::Language::English;
}

QString uiName(geo::NameGroup group, std::string_view id, std::string_view role)
{
    return QString::fromStdString(geo::displayName(group, id, uiLanguage(), role));
}

QString uiErrorText(const std::exception& error)
{
    if (const auto* said = dynamic_cast<const geo::Error*>(&error))
        return QString::fromStdString(geo::formatError(*said, uiLanguage()));
    return QString::fromStdString(error.what());
}

std::vector<std::string> contractFieldsOf(const geo::AttributeTable& table,
                                          std::optional<geo::Role> role)
{
    std::vector<std::string> contractOf(table.fields().size());
    if (!role)
        return contractOf;
    const std::vector<int> indices = geo::resolveContractFields(*role, table);
    const auto& contract = geo::contractFields(*role);
    for (std::size_t c = 0; c < contract.size() && c < indices.size(); ++c)
        if (indices[c] >= 0)
            contractOf[static_cast<std::size_t>(indices[c])] = contract[c].name;
    return contractOf;
}

QString uiFieldName(const std::string& field, const std::string& contract,
                    std::optional<geo::Role> role)
{
    if (contract.empty())
        return uiName(geo::NameGroup::Field, field);
    QString label = uiName(geo::NameGroup::Field, contract, role ? geo::toString(*role) : "");
    if (contract != field)
        label += QStringLiteral(" (%1)").arg(QString::fromStdString(field));
    return label;
}

} // namespace parkatlas::desktop
