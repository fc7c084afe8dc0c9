"""Scanning tickets with a webcam (Qt Multimedia + zbar), where there is one.

Frames are sampled a few times a second and decoded on the thread pool; a
code seen again within a few seconds is the same ticket still held up to the
camera, not a second scan. Where Qt Multimedia, a camera or zbar is missing
the panel says so, and what to install; the rest of the door is unaffected.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout, QWidget

from desktop.background import BackgroundRunner

if TYPE_CHECKING:  # QtMultimedia loads only where a camera is used
    from PySide6.QtMultimedia import QCamera, QMediaCaptureSession
    from PySide6.QtMultimediaWidgets import QVideoWidget
from desktop.barcode_reading import codes_in_frame, zbar_problem

#: a ticket held up to the camera for this long is still the same scan
SAME_TICKET_SECONDS = 4.0
#: time between two frames sent to zbar
FRAME_INTERVAL = 0.3


def multimedia_problem() -> str | None:
    try:
        from PySide6.QtMultimedia import QMediaDevices  # noqa: F401
        from PySide6.QtMultimediaWidgets import QVideoWidget  # noqa: F401
    except (ImportError, OSError) as error:
        return QCoreApplication.translate(
            "CameraDialog",
            "The camera needs Qt Multimedia, which could not be loaded on this computer "
            "({error}). On Linux install the PulseAudio and GStreamer libraries "
            "(for example sudo apt-get install libpulse0). USB scanners work without it.",
        ).format(error=error)
    return None


class CameraDialog(QDialog):
    #: a ticket code read by the camera
    code_seen = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("cameraDialog")
        self.setWindowTitle(self.tr("Scan with the camera"))
        self.resize(560, 460)
        self.message = QLabel(self)
        self.message.setObjectName("cameraMessage")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.layout_ = QVBoxLayout(self)
        self.layout_.addWidget(self.message)
        self.background = BackgroundRunner(self)
        self._camera: QCamera | None = None
        self._session: QMediaCaptureSession | None = None
        self._video: QVideoWidget | None = None
        self._decoding = False
        self._last_frame = 0.0
        self._recent: dict[str, float] = {}
        #: whether Qt Multimedia found a camera (None: it was not asked)
        self.camera_found: bool | None = None
        self.problem = zbar_problem() or multimedia_problem() or self._start_camera()
        if self.problem:
            self.message.setText(self.problem)
        else:
            self.message.setText(self.tr("Hold the ticket's barcode up to the camera."))

    def _start_camera(self) -> str | None:
        from PySide6.QtMultimedia import QCamera, QMediaCaptureSession, QMediaDevices
        from PySide6.QtMultimediaWidgets import QVideoWidget

        cameras = QMediaDevices.videoInputs()
        self.camera_found = bool(cameras)
        if not cameras:
            return self.tr("No camera was found. Connect a webcam, or use a USB scanner.")
        self._camera = camera = QCamera(cameras[0], self)
        self._session = session = QMediaCaptureSession(self)
        self._video = video = QVideoWidget(self)
        session.setCamera(camera)
        session.setVideoOutput(video)
        video.videoSink().videoFrameChanged.connect(self._frame)
        self.layout_.addWidget(video, 1)
        camera.start()
        return None

    def _frame(self, frame) -> None:
        now = time.monotonic()
        if self._decoding or now - self._last_frame < FRAME_INTERVAL:
            return
        image = frame.toImage()
        if image.isNull():
            return
        self._last_frame, self._decoding = now, True
        self.background.run(
            codes_in_frame,
            image,
            on_done=self._decoded,
            on_error=lambda *_: setattr(self, "_decoding", False),
        )

    def _decoded(self, codes: list[str]) -> None:
        self._decoding = False
        now = time.monotonic()
        for code in codes:
            if now - self._recent.get(code, -SAME_TICKET_SECONDS) >= SAME_TICKET_SECONDS:
                self.code_seen.emit(code)
            self._recent[code] = now

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if self._camera is not None:
            self._camera.stop()
        self.background.shutdown()
        super().closeEvent(event)
