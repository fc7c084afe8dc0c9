"""A report's chart (QtCharts), built from its definition and rows."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QPieSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QCoreApplication, QMargins, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter
from PySide6.QtWidgets import QGraphicsScene

from desktop.report_catalog import MONEY, PIE, STACKED, ReportDefinition, chart_value

#: the house palette for series, in order
COLORS = ("#2f5d8a", "#e0a43a", "#5f9e6e", "#b5525c", "#7a6aa8", "#4a9bb0")


def tr(text: str) -> str:
    return QCoreApplication.translate("Reports", text)


def build_chart(definition: ReportDefinition, rows: Sequence[dict]) -> QChart:
    chart = QChart()
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setBackgroundRoundness(0)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    spec = definition.chart
    if spec is not None and spec.group is not None:
        rows = spec.group(list(rows))
    if spec is None or not rows:
        chart.setTitle(tr("Nothing to chart yet."))
        return chart
    shown = list(rows)[-spec.latest :] if spec.latest else list(rows)
    title = tr(definition.title)
    if spec.latest and len(rows) > spec.latest:
        title = tr("{title}: the latest {n}").format(title=title, n=spec.latest)
    chart.setTitle(title)
    font = QFont(chart.titleFont())
    font.setBold(True)
    chart.setTitleFont(font)
    if spec.kind == PIE:
        _pie(chart, definition, shown)
    else:
        _bars(chart, definition, shown)
    return chart


def _pie(chart: QChart, definition: ReportDefinition, rows: list[dict]) -> None:
    key = definition.chart.series[0]
    kind = definition.chart.column(definition, key).kind
    series = QPieSeries()
    total = sum(chart_value(kind, r.get(key)) for r in rows) or 1
    for i, row in enumerate(rows):
        value = chart_value(kind, row.get(key))
        if value <= 0:
            continue
        piece = series.append(f"{definition.chart.label(row)} {value / total:.0%}", value)
        piece.setColor(QColor(COLORS[i % len(COLORS)]))
        piece.setLabelVisible(True)
    series.setPieSize(0.7)
    chart.addSeries(series)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignRight)


def _bars(chart: QChart, definition: ReportDefinition, rows: list[dict]) -> None:
    spec = definition.chart
    series = QStackedBarSeries() if spec.kind == STACKED else QBarSeries()
    money = False
    for i, key in enumerate(spec.series):
        column = spec.column(definition, key)
        money = money or column.kind == MONEY
        bars = QBarSet(tr(column.title))
        bars.setColor(QColor(COLORS[i % len(COLORS)]))
        for row in rows:
            bars.append(chart_value(column.kind, row.get(key)))
        series.append(bars)
    chart.addSeries(series)
    categories = QBarCategoryAxis()
    categories.append([spec.label(row) for row in rows])
    small = QFont(categories.labelsFont())
    small.setPointSizeF(max(6.0, small.pointSizeF() * 0.8))
    categories.setLabelsFont(small)
    chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(categories)
    values = QValueAxis()
    values.setLabelFormat("$%.0f" if money else "%.0f")
    values.setMin(0)
    chart.addAxis(values, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(values)
    values.applyNiceNumbers()
    if len(spec.series) == 1:
        chart.legend().hide()


def chart_image(definition: ReportDefinition, rows: Sequence[dict], width: int = 820,
                height: int = 330, scale: float = 2.0) -> QImage:  # fmt: skip
    """The chart drawn into a picture (sharp at ``scale`` times), for printing and PDFs."""
    chart = build_chart(definition, rows)
    scene = QGraphicsScene()
    scene.addItem(chart)
    chart.setGeometry(QRectF(0, 0, width, height))
    image = QImage(int(width * scale), int(height * scale), QImage.Format.Format_ARGB32)
    image.setDevicePixelRatio(scale)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    scene.render(painter, QRectF(0, 0, width, height), QRectF(0, 0, width, height))
    painter.end()
    scene.removeItem(chart)
    chart.deleteLater()
    return image
