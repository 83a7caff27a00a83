import { useEffect, useRef, useState } from 'react';
import { useI18n } from '../i18n/i18n.ts';

interface Props {
  onFiles(files: File[]): void;
}

let snapshots = 0;

/** A camera snapshot, offered where the browser has cameras; the stream stops as soon as the panel closes. */
export function WebcamCapture({ onFiles }: Props) {
  const [open, setOpen] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const { t } = useI18n();
  const video = useRef<HTMLVideoElement>(null);
  const stream = useRef<MediaStream | null>(null);
  const available = typeof navigator !== 'undefined' && !!navigator.mediaDevices?.getUserMedia;

  useEffect(() => {
    if (!open) return undefined;
    let live = true;
    navigator.mediaDevices
      .getUserMedia({ video: { width: { ideal: 1280 }, height: { ideal: 720 } }, audio: false })
      .then((media) => {
        if (!live) {
          media.getTracks().forEach((track) => track.stop());
          return;
        }
        stream.current = media;
        if (video.current) video.current.srcObject = media;
      })
      .catch((error: unknown) => {
        const name = error instanceof Error ? error.name : '';
        setProblem(
          name === 'NotAllowedError'
            ? t.cameraDenied
            : name === 'NotFoundError'
              ? t.cameraMissing
              : t.cameraFailed(error instanceof Error ? error.message : String(error)),
        );
      });
    return () => {
      live = false;
      stream.current?.getTracks().forEach((track) => track.stop());
      stream.current = null;
    };
  }, [open, t]);

  const capture = () => {
    const source = video.current;
    if (!source || source.videoWidth === 0) return;
    const canvas = document.createElement('canvas');
    canvas.width = source.videoWidth;
    canvas.height = source.videoHeight;
    canvas.getContext('2d')?.drawImage(source, 0, 0);
    canvas.toBlob((blob) => {
      if (blob) onFiles([new File([blob], `camera photo ${++snapshots}.png`, { type: 'image/png' })]);
    }, 'image/png');
  };

  if (!available) return null;
  return (
    <div className="webcam">
      <button
        type="button"
        className="secondary"
        aria-expanded={open}
        onClick={() => {
          setProblem(null);
          setOpen((value) => !value);
        }}
      >
        {open ? t.closeCamera : t.takePhoto}
      </button>
      {open && (
        <div className="webcam-panel">
          {problem ? (
            <p role="alert" className="error">
              {problem}
            </p>
          ) : (
            <>
              <video ref={video} autoPlay playsInline muted aria-label={t.cameraPreview} />
              <button type="button" onClick={capture}>
                {t.capture}
              </button>
            </>
          )}
        </div>
      )}
    </div>
  );
}
