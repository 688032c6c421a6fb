#pragma once

#include "app/desktop/attribute_table_model.h"

#include <QTimer>
#include <QWidget>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

class QComboBox;
class QLabel;
class QLineEdit;
class QTableView;

namespace parkatlas::desktop {

/// The attribute table of one layer of the map: a layer chooser, a filter (a substring of any
/// column, applied after a short pause while typing), a row count, and the table (sort by a
/// click on a header). Selecting rows selects those features on the map, and the map's
/// selection of this layer is shown as selected rows.
class AttributeTablePanel : public QWidget {
    Q_OBJECT
public:
    explicit AttributeTablePanel(QWidget* parent = nullptr);

    /// The map's layers, in drawing order (the list shows them topmost first).
    void setLayers(const std::vector<std::shared_ptr<const geo::Layer>>& layers);
    /// Shows layer `index` (drawing order).
    void showLayer(std::size_t index);
    /// The layer shown (drawing order), or -1.
    int currentLayer() const { return m_currentLayer; }
    /// Shows `features` of the shown layer as the selected rows (does not emit
    /// selectionEdited).
    void setSelectedFeatures(const std::vector<std::uint32_t>& features);

    AttributeTableModel* model() const { return m_model; }
    QTableView* view() const { return m_view; }
    QLineEdit* filterEdit() const { return m_filter; }

signals:
    /// The user selected rows: the features of layer `layerIndex` now selected.
    void selectionEdited(std::size_t layerIndex, const std::vector<std::uint32_t>& features);
    /// The user clicked (or double-clicked) a row: show that feature.
    void featureActivated(std::size_t layerIndex, std::size_t feature);

private:
    void updateCount();
    void onViewSelectionChanged();

    std::vector<std::shared_ptr<const geo::Layer>> m_layers;
    int m_currentLayer = -1;
    QComboBox* m_layerChooser;
    QLineEdit* m_filter;
    QLabel* m_count;
    QTableView* m_view;
    AttributeTableModel* m_model;
    QTimer m_filterTimer;
    std::vector<std::uint32_t> m_selected; // the map's selection of the shown layer
    bool m_applyingSelection = false;
};

} // namespace parkatlas::desktop
