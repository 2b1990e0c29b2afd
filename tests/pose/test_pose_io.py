"""Landmark files: our CSV (round trip, tolerant reading, clear rejections) and TRC imports."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from thrustcoach.errors import InputFileError, UnsupportedFormatError
from thrustcoach.pose import (
    MEDIAPIPE_LANDMARKS,
    FileKind,
    LandmarkSeries,
    detect_kind,
    read_landmarks,
    write_landmarks_csv,
)

HEADER = "frame,time_s,landmark,x,y,z,visibility\n"


def _series(n: int = 5, names: tuple[str, ...] = ("left_hip", "left_knee")) -> LandmarkSeries:
    rng = np.random.default_rng(1)
    xyz = rng.uniform(0, 700, (n, len(names), 3))
    return LandmarkSeries(
        time_s=np.cumsum(rng.uniform(0.01, 0.05, n)),
        frame=np.arange(n) * 2,
        names=names,
        xyz=xyz,
        visibility=rng.uniform(0, 1, (n, len(names))),
        meta={"width": "640", "height": "480", "source": "phone.mp4"},
    )


def _assert_same(a: LandmarkSeries, b: LandmarkSeries, *, tol: float = 1e-3) -> None:
    assert a.names == b.names
    np.testing.assert_array_equal(a.frame, b.frame)
    np.testing.assert_allclose(a.time_s, b.time_s, atol=1e-6)
    np.testing.assert_allclose(a.xyz, b.xyz, atol=tol, equal_nan=True)
    np.testing.assert_allclose(a.visibility, b.visibility, atol=tol)


def test_round_trip_keeps_gaps_missing_z_and_metadata(tmp_path: Path) -> None:
    s = _series(6, ("nose", "left_hip", "right_knee"))
    xyz = s.xyz.copy()
    vis = s.visibility.copy()
    xyz[:, :, 2] = np.nan  # no depth
    xyz[2, 1] = np.nan  # one landmark unseen in one frame
    vis[2, 1] = 0.0
    xyz[4] = np.nan  # no person in frame 4
    vis[4] = 0.0
    s = LandmarkSeries(
        time_s=s.time_s, frame=s.frame, names=s.names, xyz=xyz, visibility=vis, meta=s.meta
    )
    out = write_landmarks_csv(s, tmp_path / "a.csv")
    back = read_landmarks(out)
    _assert_same(s, back)
    assert back.meta["width"] == "640" and back.meta["source"] == "phone.mp4"
    assert back.meta["units"] == "px"
    # Writing what we read gives the same bytes: the format is stable.
    again = write_landmarks_csv(back, tmp_path / "b.csv")
    assert again.read_text() == out.read_text()


@st.composite
def series_strategy(draw: st.DrawFn) -> LandmarkSeries:
    n = draw(st.integers(1, 25))
    names = tuple(
        sorted(
            draw(st.sets(st.sampled_from(MEDIAPIPE_LANDMARKS), min_size=1, max_size=6)),
            key=MEDIAPIPE_LANDMARKS.index,
        )
    )
    steps = draw(st.lists(st.floats(0.001, 0.5), min_size=n, max_size=n))
    start = draw(st.floats(0, 1000))
    coords = st.floats(-500, 5000, allow_nan=False)
    xyz = np.array(draw(st.lists(coords, min_size=n * len(names) * 3, max_size=n * len(names) * 3)))
    xyz = xyz.reshape(n, len(names), 3)
    missing = np.array(
        draw(st.lists(st.booleans(), min_size=n * len(names), max_size=n * len(names)))
    )
    missing = missing.reshape(n, len(names))
    missing[0, 0] = False  # at least one landmark seen
    vis = np.array(
        draw(st.lists(st.floats(0, 1), min_size=n * len(names), max_size=n * len(names)))
    )
    vis = vis.reshape(n, len(names))
    xyz[missing] = np.nan
    vis[missing] = 0.0
    if draw(st.booleans()):
        xyz[:, :, 2] = np.nan
    gaps = np.cumsum(draw(st.lists(st.integers(1, 3), min_size=n, max_size=n)))
    return LandmarkSeries(
        time_s=start + np.cumsum(steps),
        frame=gaps.astype(np.int64),
        names=names,
        xyz=xyz,
        visibility=vis,
    )


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(series=series_strategy())
def test_round_trip_property(series: LandmarkSeries, tmp_path: Path) -> None:
    path = write_landmarks_csv(series, tmp_path / "p.csv")
    back = read_landmarks(path)
    # Landmarks never seen in any frame cannot come back: compare the ones that were seen.
    seen = [n for i, n in enumerate(series.names) if not np.isnan(series.xyz[:, i, 0]).all()]
    idx = [series.names.index(n) for n in seen]
    assert back.names == tuple(seen)
    np.testing.assert_array_equal(back.frame, series.frame)
    np.testing.assert_allclose(back.time_s, series.time_s, atol=1e-6)
    np.testing.assert_allclose(back.xyz, series.xyz[:, idx], atol=6e-4, equal_nan=True)
    np.testing.assert_allclose(back.visibility, series.visibility[:, idx], atol=6e-4)


def test_reads_the_documented_variations(tmp_path: Path) -> None:
    """Comments, empty z and visibility, missing frames, uneven steps, partial landmarks."""
    text = (
        "# width=1280\n# height=720\n# source=Pixel 7\n"
        + HEADER
        + "0,0.000,left_hip,100.5,200,,\n"
        + "0,0.000,left_knee,150,180,-0.2,0.9\n"
        + "3,0.105,left_hip,101,199,,0.5\n"  # frames 1-2 missing, uneven step
        + "3,0.105,left_knee,151,181,,\n"
        + "4,0.139,left_knee,152,182,,\n"  # hip unseen in frame 4
    )
    p = tmp_path / "l.csv"
    p.write_text(text)
    s = read_landmarks(p)
    assert s.names == ("left_hip", "left_knee")
    assert s.frame.tolist() == [0, 3, 4]
    np.testing.assert_allclose(s.time_s, [0.0, 0.105, 0.139])
    assert s.vis("left_hip").tolist() == [1.0, 0.5, 0.0]  # empty = 1, unseen = 0
    assert np.isnan(s.xy("left_hip")[2]).all()
    assert np.isnan(s.xyz[0, 0, 2]) and s.xyz[0, 1, 2] == pytest.approx(-0.2)
    assert dict(s.meta)["width"] == "1280" and s.meta["source"] == "Pixel 7"


def test_rows_in_any_order_and_no_frame_column(tmp_path: Path) -> None:
    p = tmp_path / "l.csv"
    p.write_text("time_s,landmark,x,y\n0.2,left_hip,3,4\n0.1,left_hip,1,2\n0.1,LEFT_KNEE,5,6\n")
    s = read_landmarks(p)
    assert s.time_s.tolist() == [0.1, 0.2]
    assert s.xy("left_hip").tolist() == [[1, 2], [3, 4]]
    assert s.xy("left_knee")[0].tolist() == [5, 6]


def test_detects_format_from_content_not_extension(tmp_path: Path, test_data_dir: Path) -> None:
    p = tmp_path / "landmarks.txt"
    p.write_text(HEADER + "0,0,left_hip,1,2,,\n")
    assert detect_kind(p) is FileKind.LANDMARK_CSV
    trc = tmp_path / "export.csv"
    trc.write_bytes((test_data_dir / "pose" / "sports2d_px.trc").read_bytes())
    assert detect_kind(trc) is FileKind.TRC
    assert read_landmarks(trc).meta["format"] == "trc"


BAD_CSV = {
    "bad_number": (HEADER + "0,0,left_hip,abc,2,,\n", "data row 1: x 'abc' is not a number"),
    "visibility_out_of_range": (HEADER + "0,0,left_hip,1,2,,1.5\n", "visibility"),
    "unknown_landmark": (HEADER + "0,0,LHip,1,2,,\n", "unknown landmark 'LHip'"),
    "duplicate": (HEADER + "0,0,left_hip,1,2,,\n0,0,left_hip,1,2,,\n", "appears twice"),
    "frame_two_times": (HEADER + "0,0,left_hip,1,2,,\n0,0.1,left_knee,1,2,,\n", "different time_s"),
    "two_frames_one_time": (HEADER + "0,0,left_hip,1,2,,\n1,0,left_hip,1,2,,\n", "share time_s"),
    "too_few_fields": (HEADER + "0,0,left_hip,1,2\n", "columns"),
    "header_only": (HEADER, "no data rows"),
    "no_positions": (HEADER + "0,0,,,,,\n", "no landmark positions"),
    "infinite": (HEADER + "0,0,left_hip,inf,2,,\n", "finite"),
    "negative_frame": (HEADER + "-1,0,left_hip,1,2,,\n", "whole number"),
    "missing_time": (HEADER + "0,,left_hip,1,2,,\n", "time_s"),
}


@pytest.mark.parametrize("case", sorted(BAD_CSV))
def test_invalid_csv_is_a_one_line_input_error(case: str, tmp_path: Path) -> None:
    text, expected = BAD_CSV[case]
    p = tmp_path / f"{case}.csv"
    p.write_text(text)
    with pytest.raises(InputFileError) as err:
        read_landmarks(p)
    message = str(err.value)
    assert expected in message
    assert "\n" not in message and str(p) in message
    assert err.value.exit_code == 3


UNSUPPORTED = {
    "other_csv": (b"time,hip_angle\n0,170\n", "neither a landmark CSV"),
    "wide_csv": (b"frame,time_s,landmark_count,x\n0,0,1,2\n", "without the landmark columns"),
    "jpeg": (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(100), "is a picture"),
    "mp4": (b"\x00\x00\x00\x18ftypmp42" + bytes(100), "is a video"),
    "binary": (bytes(range(256)) * 4, "neither a landmark CSV"),
    "json": (b'{"frames": []}', "neither a landmark CSV"),
    "gzip": (b"\x1f\x8b\x08\x00" + bytes(100), "is gzip-compressed: unpack it first"),
    "zip": (b"PK\x03\x04" + bytes(100), "is a zip archive: unpack it first"),
}


@pytest.mark.parametrize("case", sorted(UNSUPPORTED))
def test_other_files_are_rejected_with_what_to_do(case: str, tmp_path: Path) -> None:
    data, expected = UNSUPPORTED[case]
    p = tmp_path / f"{case}.bin"
    p.write_bytes(data)
    with pytest.raises(UnsupportedFormatError) as err:
        read_landmarks(p)
    assert expected in str(err.value)
    assert err.value.hint  # says what to do


def test_unreadable_paths(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="no such file"):
        read_landmarks(tmp_path / "nope.csv")
    with pytest.raises(InputFileError, match="is a directory"):
        read_landmarks(tmp_path)
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(InputFileError, match="is empty"):
        read_landmarks(empty)


# --- TRC ----------------------------------------------------------------------------------


def test_sports2d_pixel_trc(test_data_dir: Path) -> None:
    s = read_landmarks(test_data_dir / "pose" / "sports2d_px.trc")
    assert s.meta["units"] == "px"  # Sports2D labels pixels "m": read by magnitude
    assert s.n_frames == 12 and s.fps == pytest.approx(30.0, rel=1e-3)
    for name in ("left_hip", "right_knee", "right_ankle", "right_heel", "right_foot_index", "nose"):
        assert s.has(name)
    assert not s.has("neck")
    # y is flipped to image convention: the hips rise (y decreases) mid-set, knees above ankles.
    hip_y = s.xy("right_hip")[:, 1]
    assert hip_y[0] == pytest.approx(330.0) and hip_y.min() < 280
    assert (s.xy("right_knee")[:, 1] < s.xy("right_ankle")[:, 1]).all()
    assert np.isnan(s.xyz[:, :, 2]).all()  # 2-D export: no depth
    # A zero-filled marker is a gap, not a point at the origin.
    assert s.vis("left_wrist")[5] == 0.0 and np.isnan(s.xy("left_wrist")[5]).all()


def _write_trc(path: Path, names: list[str], data: np.ndarray, units: str) -> Path:
    n = data.shape[0]
    lines = [
        f"PathFileType\t4\t(X/Y/Z)\t{path.name}",
        "DataRate\tCameraRate\tNumFrames\tNumMarkers\tUnits\tOrigDataRate\tOrigDataStartFrame\tOrigNumFrames",
        f"60\t60\t{n}\t{len(names)}\t{units}\t60\t1\t{n}",
        "Frame#\tTime\t" + "\t\t\t".join(names) + "\t\t",
        "\t\t" + "\t".join(f"X{i + 1}\tY{i + 1}\tZ{i + 1}" for i in range(len(names))),
        "",
    ]
    for f in range(n):
        cells = ["" if np.isnan(v) else f"{v:.5f}" for v in data[f].ravel()]
        lines.append("\t".join([str(f + 1), f"{f / 60:.5f}", *cells]))
    path.write_text("\n".join(lines) + "\n")
    return path


def test_opencap_metres_trc_with_study_markers(tmp_path: Path) -> None:
    """OpenCap: metres or millimetres, y up, 3-D; keypoints win over *_study markers."""
    names = ["RHip", "r_knee_study", "r_ankle_study", "RHJC_study", "r_shoulder_study", "midHip"]
    pts = np.array(
        [
            [0.1, 0.5, 0.2],
            [0.5, 0.6, 0.2],
            [0.55, 0.1, 0.2],
            [0.0, 0.0, 9.9],
            [-0.4, 0.45, 0.2],
            [0, 0, 0],
        ]
    )
    data = np.repeat(pts[None] * 1000.0, 4, axis=0)  # millimetres
    data[2, 2] = np.nan  # a gap in the ankle marker
    s = read_landmarks(_write_trc(tmp_path / "opencap.trc", names, data, "mm"))
    assert s.meta["units"] == "m"
    assert s.names == ("right_shoulder", "right_hip", "right_knee", "right_ankle")
    np.testing.assert_allclose(s.xyz[0, s.index("right_hip")], [0.1, -0.5, 0.2])  # RHip, y flipped
    assert s.xy("right_knee")[0, 1] < s.xy("right_ankle")[0, 1]
    assert s.vis("right_ankle").tolist() == [1, 1, 0, 1]


def test_trc_without_body_markers_is_unsupported(tmp_path: Path) -> None:
    data = np.ones((3, 2, 3))
    path = _write_trc(tmp_path / "markers.trc", ["C7", "T10"], data, "mm")
    with pytest.raises(UnsupportedFormatError, match="none of its markers"):
        read_landmarks(path)


def test_truncated_trc_header(tmp_path: Path) -> None:
    p = tmp_path / "cut.trc"
    p.write_text("PathFileType\t4\t(X/Y/Z)\tcut.trc\nDataRate\tCameraRate\n")
    with pytest.raises(InputFileError, match="header lines"):
        read_landmarks(p)
