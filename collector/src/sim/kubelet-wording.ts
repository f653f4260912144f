// kubelet event wording per kubelet minor version (pkg/kubelet/images, kuberuntime), and Go time.Duration text.

/** Go's time.Duration String(): 796ms, 1.594s, 1m21.28s, 1h2m3s (trailing zeros trimmed). */
export function goDuration(ms: number): string {
  if (ms <= 0) return '0s'
  if (ms < 1000) return `${trimZeros(ms.toFixed(3))}ms`
  const totalSeconds = ms / 1000
  const h = Math.floor(totalSeconds / 3600)
  const m = Math.floor((totalSeconds - h * 3600) / 60)
  const s = totalSeconds - h * 3600 - m * 60
  const secText = `${trimZeros(s.toFixed(3))}s`
  if (h > 0) return `${h}h${m}m${secText}`
  if (m > 0) return `${m}m${secText}`
  return secText
}

function trimZeros(n: string): string {
  return n.includes('.') ? n.replace(/0+$/, '').replace(/\.$/, '') : n
}

export function kubeletMinor(version: string): number {
  return Number(version.split('.')[1] ?? 0)
}

export function pulledMessage(
  minor: number,
  image: string,
  pullMs: number,
  totalMs: number,
  sizeBytes: number,
): string {
  const base = `Successfully pulled image "${image}" in ${goDuration(pullMs)} (${goDuration(totalMs)} including waiting)`
  return minor >= 30 ? `${base}. Image size: ${sizeBytes} bytes.` : base
}

export function alreadyPresentMessage(minor: number, image: string): string {
  const base = `Container image "${image}" already present on machine`
  return minor >= 33 ? `${base} and can be accessed by the pod` : base
}

export function createdMessage(minor: number, container: string): string {
  if (minor >= 35) return 'Container created'
  if (minor >= 32) return `Created container: ${container}`
  return `Created container ${container}`
}

export function startedMessage(minor: number, container: string): string {
  if (minor >= 35) return 'Container started'
  if (minor >= 32) return `Started container: ${container}`
  return `Started container ${container}`
}

export function pullFailedMessage(image: string, runtime: string): string {
  const ref = image.includes('/') ? image : `docker.io/library/${image}`
  if (runtime === 'cri-o') {
    return `Failed to pull image "${image}": rpc error: code = Unknown desc = reading manifest ${ref.split(':').pop()} in ${ref.split(':')[0]}: manifest unknown`
  }
  return `Failed to pull image "${image}": rpc error: code = NotFound desc = failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ${ref}: not found`
}

export function backOffMessage(image: string): string {
  return `Back-off pulling image "${image}"`
}
