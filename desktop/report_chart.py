"""A report's chart (QtCharts), built from its definition and rows."""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QCategoryAxis,
    QChart,
    QLegend,
    QPieSeries,
    QScatterSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QCoreApplication, QMargins, QRectF, Qt
from PySide6.QtGui import QColor, QCursor, QFont, QImage, QPainter, QPen
from PySide6.QtWidgets import QGraphicsScene, QToolTip

from desktop import formatting
from desktop.report_catalog import (
    HEATMAP,
    MONEY,
    PIE,
    STACKED,
    Chart,
    ReportDefinition,
    chart_value,
)
from desktop.report_support import SHORT_DAYS, cell_text

#: the house palette for series, in order
COLORS = ("#2f5d8a", "#e0a43a", "#5f9e6e", "#b5525c", "#7a6aa8", "#4a9bb0")
#: a heatmap's shades, from a little demand to the most
HEAT = ("#d6e4f0", "#a9c6e0", "#6f9fc9", "#3f76a8", "#1d4a75")
GAP = "#c0392b"


def whole_number_axis(axis: QValueAxis, largest: float) -> None:
    """A count axis whose ticks are whole numbers: 0, 1, 2, 3, 4 for an empty or small
    chart (never 0, 0, 1, 1), nice round steps above."""
    if largest <= 10:
        top = max(4, math.ceil(largest))
        axis.setRange(0, top)
        axis.setTickCount(top + 1)
        return
    axis.setRange(0, largest * 1.15)
    axis.applyNiceNumbers()


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
        _pie(chart, definition, spec, shown)
    elif spec.kind == HEATMAP:
        _heatmap(chart, shown)
    else:
        _bars(chart, definition, spec, shown)
    return chart


def _pie(chart: QChart, definition: ReportDefinition, spec: Chart, rows: list[dict]) -> None:
    key = spec.series[0]
    kind = spec.column(definition, key).kind
    series = QPieSeries()
    total = sum(chart_value(kind, r.get(key)) for r in rows) or 1
    for i, row in enumerate(rows):
        value = chart_value(kind, row.get(key))
        if value <= 0:
            continue
        piece = series.append(f"{spec.label(row)} {formatting.percent(value / total)}", value)
        piece.setColor(QColor(COLORS[i % len(COLORS)]))
        piece.setLabelVisible(True)
    series.setPieSize(0.7)
    chart.addSeries(series)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignRight)


def _bars(chart: QChart, definition: ReportDefinition, spec: Chart, rows: list[dict]) -> None:
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
    symbol = formatting.currency_symbol().replace("%", "%%")
    in_front = formatting.money(100).lstrip("-").startswith(formatting.currency_symbol())
    values.setLabelFormat((f"{symbol}%.0f" if in_front else f"%.0f {symbol}") if money else "%.0f")
    values.setMin(0)
    chart.addAxis(values, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(values)
    values.applyNiceNumbers()
    if not money:
        whole_number_axis(values, values.max() if rows else 0)
    if len(spec.series) == 1:
        chart.legend().hide()


def heat_level(n: int, peak: int, levels: int = len(HEAT)) -> int:
    """Which shade a cell of ``n`` gets when the busiest cell has ``peak`` (0 = lightest)."""
    return max(0, min(levels - 1, math.ceil(n / peak * levels) - 1))


def _heatmap(chart: QChart, rows: list[dict]) -> None:
    """Hours of the day across, weekdays down (Monday on top); a darker square for more
    inquiries; a red outline where inquiries came while nobody was on duty."""
    peak = max((r[f"d{d}"] for r in rows for d in range(7)), default=0)
    if not peak:
        chart.setTitle(tr("No chats or incoming calls in this period."))
        return
    shades: list[QScatterSeries] = []
    for level, color in enumerate(HEAT):
        low = math.floor(peak * level / len(HEAT)) + 1
        high = math.floor(peak * (level + 1) / len(HEAT))
        if high < low:
            continue
        series = QScatterSeries()
        series.setName(str(low) if low == high else f"{low}–{high}")
        series.setMarkerShape(QScatterSeries.MarkerShape.MarkerShapeRectangle)
        series.setColor(QColor(color))
        series.setBorderColor(QColor(color))
        series.setProperty("level", level)
        shades.append(series)
    by_level = {s.property("level"): s for s in shades}
    gaps = QScatterSeries()
    gaps.setName(tr("Nobody on duty"))
    gaps.setMarkerShape(QScatterSeries.MarkerShape.MarkerShapeRectangle)
    gaps.setColor(QColor(0, 0, 0, 0))
    gaps.setPen(QPen(QColor(GAP), 2.5))
    for row in rows:
        for day in range(7):
            n = row[f"d{day}"]
            if n:
                by_level[heat_level(n, peak)].append(row["hour"], 6 - day)
            if row[f"u{day}"]:
                gaps.append(row["hour"], 6 - day)
    hours = QCategoryAxis()
    hours.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
    hours.setStartValue(-0.5)
    for hour in range(0, 24, 2):
        hours.append(f"{hour:02d}:00", hour)
    hours.setRange(-0.5, 23.5)
    days = QCategoryAxis()
    days.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
    days.setStartValue(-0.5)
    for row_index, name in enumerate(reversed(SHORT_DAYS)):
        days.append(tr(name), row_index)
    days.setRange(-0.5, 6.5)
    for axis in (hours, days):
        axis.setGridLineVisible(False)
        axis.setTruncateLabels(False)
        small = QFont(axis.labelsFont())
        small.setPointSizeF(max(6.0, small.pointSizeF() * 0.85))
        axis.setLabelsFont(small)
    chart.addAxis(hours, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(days, Qt.AlignmentFlag.AlignLeft)
    everything = [*shades, gaps] if gaps.count() else shades
    for series in everything:
        chart.addSeries(series)
        series.attachAxis(hours)
        series.attachAxis(days)
    for series in everything:  # a square in words when the pointer rests on it
        series.hovered.connect(
            lambda point, state: (
                QToolTip.showText(
                    QCursor.pos(), cell_text(rows, 6 - round(point.y()), round(point.x()))
                )
                if state
                else QToolTip.hideText()
            )
        )
    chart.legend().setMarkerShape(QLegend.MarkerShape.MarkerShapeFromSeries)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignRight)  # the rows need the height
    chart.setTitle("")  # the report's title is right above it

    def fit(area: QRectF) -> None:
        side = max(4.0, min(area.width() / 24, area.height() / 7) * 0.9)
        for series in shades:
            series.setMarkerSize(side)
        gaps.setMarkerSize(max(4.0, side - 2))

    chart.plotAreaChanged.connect(fit)
    fit(chart.plotArea() if chart.plotArea().width() > 0 else QRectF(0, 0, 720, 210))


def chart_image(
    definition: ReportDefinition,
    rows: Sequence[dict],
    width: int = 820,
    height: int = 330,
    scale: float = 2.0,
) -> QImage:
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
