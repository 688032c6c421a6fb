#pragma once

#include "geo/crs/crs_catalog.h"
#include "geo/crs/gauss_kruger.h"

#include <QDialog>
#include <QFutureWatcher>
#include <QString>

#include <memory>
#include <optional>
#include <vector>

class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;

namespace parkatlas::desktop {

/// Set CRS (设置坐标系): the coordinate system a layer's coordinates are in, when its file does not
/// say (a shapefile with no .prj) or says wrong. Zone-prefixed eastings propose their zone's
/// CGCS2000, Xi'an 1980 and Beijing 1954 codes (geo::proposeZoneFromExtent, as `parkatlas info`
/// does), listed first with the CGCS2000 one chosen; below them every EPSG geographic and
/// projected CRS of PROJ's database (geo::crsCatalog, read once on a worker), found by code or
/// by words of its name. The window applies the choice and saves it in the project file.
class CrsDialog : public QDialog {
    Q_OBJECT
public:
    /// `layerName` the layer; `proposal` from its eastings (nullopt: none); `hint` other advice
    /// (degrees, eastings without a zone) or ""; `current` its CRS now ("" when it has none).
    CrsDialog(const QString& layerName, const std::optional<geo::ZoneProposal>& proposal,
              const QString& hint, const QString& current, QWidget* parent = nullptr);

    /// The chosen CRS as the project file keeps it ("EPSG:4526"), "" when none is chosen.
    QString crsDefinition() const;
    /// The codes proposed from the coordinates, in the order listed ("EPSG:4526" …).
    QStringList proposedDefinitions() const;

    QLineEdit* searchEdit() const { return m_search; }
    QListWidget* list() const { return m_list; }
    /// True once PROJ's database is listed.
    bool catalogReady() const { return m_catalog != nullptr; }

signals:
    /// The catalog arrived and is listed.
    void catalogLoaded();

private:
    void fillList();
    void updateButtons();

    struct Proposal {
        QString definition;
        QString text;
    };
    std::vector<Proposal> m_proposals;
    std::shared_ptr<const std::vector<geo::CrsCatalogEntry>> m_catalog;
    QFutureWatcher<std::shared_ptr<const std::vector<geo::CrsCatalogEntry>>> m_catalogWatcher;
    QLineEdit* m_search;
    QListWidget* m_list;
    QLabel* m_count;
    QPushButton* m_okButton = nullptr;
};

} // namespace parkatlas::desktop
