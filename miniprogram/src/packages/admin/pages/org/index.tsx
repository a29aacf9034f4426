import { Image, Text, View } from '@tarojs/components'
import { useState } from 'react'
import type { OrgImportResultDto, OrgTreeNodeDto } from '@finecity/types'
import AppShell from '../../../../components/AppShell'
import Tap from '../../../../components/Tap'
import { useRemote } from '../../../../hooks/use-remote'
import { useRequiredUser } from '../../../../hooks/use-session'
import { LEVEL_LABEL } from '../../../../lib/labels'
import { IS_H5, pickFile, readTextFile, ui, type PickedFile } from '../../../../services/platform'
import AdminNav, { AdminTitle, useBusyRun } from '../../AdminNav'
import { adminApi } from '../../api'
import { findingTone, previewSvg, shapesOfFile, shapesOfTree, type Shape } from '../../geo-preview'
import { gridTypeCounts, gridTypeText } from '../../labels'
import '../../admin.scss'

/** A drawn map: an <img> named for screen readers (the findings list below says the same in words). */
function MapPreview({ id, src, label }: { id: string; src: string; label: string }) {
  return <Image id={id} className='org-map' src={src} mode='aspectFit' {...(IS_H5 ? { nativeProps: { alt: label } } : { ariaLabel: label })} />
}

/** 网格: the admin's units as a tree (grids drawn from their polygons) and the GeoJSON import of grid polygons. */
export default function OrgAdmin() {
  const user = useRequiredUser('/packages/admin/pages/org/index')
  const [trail, setTrail] = useState<{ code: string; name: string }[]>([])
  const root = trail.length ? trail[trail.length - 1]!.code : undefined
  const tree = useRemote(() => adminApi.orgTree(root), !!user, [root])
  const [file, setFile] = useState<PickedFile | null>(null)
  const [shapes, setShapes] = useState<Shape[]>([])
  const [result, setResult] = useState<OrgImportResultDto | null>(null)
  const { busy, run } = useBusyRun()

  const t = tree.data
  const drill = (n: OrgTreeNodeDto) => {
    if (!t) return
    setTrail(trail.length ? [...trail, { code: n.code, name: n.name }] : [{ code: t.code, name: t.name }, { code: n.code, name: n.name }])
  }
  const up = (i: number) => setTrail(trail.slice(0, i + 1))
  const choose = () => run(async () => {
    const f = await pickFile('geojson')
    if (!f) return
    setFile(f)
    setResult(null)
    setShapes(shapesOfFile(await readTextFile(f)))
    setResult(await adminApi.importGrids(f, true))
  })
  const commit = () => run(async () => {
    if (!file) return
    const r = await adminApi.importGrids(file, false)
    setResult(r)
    if (r.committed) {
      ui.toast('网格已导入', 'success')
      setFile(null)
      await tree.reload()
    }
  })

  const treeMap = t ? previewSvg(shapesOfTree(t)) : null
  const errors = result?.findings.filter((f) => f.severity === 'error') ?? []
  const warnings = result?.findings.filter((f) => f.severity === 'warning') ?? []
  const fileMap = result ? previewSvg(shapes, findingTone(result.findings)) : null
  const done = result?.committed ?? false

  return (
    <AppShell title='网格' className='admin'>
      <AdminNav current='org' />
      <AdminTitle>网格</AdminTitle>
      <View className='admin-columns'>
        <View className='admin-col card'>
          <Text className='section-title'>单位与网格</Text>
          {trail.length > 1 && (
            <View className='chips' role='navigation' aria-label='上级单位'>
              {trail.slice(0, -1).map((x, i) => (
                <Tap key={x.code} id={`trail-${x.code}`} className='link' role='link' onTap={() => up(i)}><Text>{x.name} ›</Text></Tap>
              ))}
            </View>
          )}
          {tree.error && <Text className='error'>{tree.error}</Text>}
          {!t && !tree.error && <Text className='admin-count'>加载中…</Text>}
          {t && (
            <>
              <Text className='admin-cell--strong'>{t.name}（{LEVEL_LABEL[t.level]} · {t.code}）</Text>
              <Text className='admin-count'>下级单位 {t.children?.length ?? 0} 个{t.level === 'grid' ? `；网格类型：${gridTypeText(t.gridType)}` : ''}</Text>
              {(t.children ?? []).some((c) => c.level === 'grid') && <Text className='admin-count' id='org-grid-types'>网格类型：{gridTypeCounts(t.children ?? [])}</Text>}
              {treeMap && <MapPreview id='org-tree-map' src={treeMap} label={`${t.name}的网格图，共 ${shapesOfTree(t).length} 个网格`} />}
              <View role='list' aria-label={`${t.name}的下级单位`}>
                {(t.children ?? []).map((c) => (
                  <View key={c.code} className='cal-list__item' role='listitem'>
                    {c.hasChildren ? (
                      <Tap id={`unit-${c.code}`} className='link' role='link' onTap={() => drill(c)}><Text>{c.name}</Text></Tap>
                    ) : (
                      <Text>{c.name}</Text>
                    )}
                    <Text className='muted org-unit__meta'>
                      {LEVEL_LABEL[c.level]}
                      {c.level === 'grid' && <Text className={`chip ${c.gridType ? 'chip--blue' : 'chip--grey'} org-grid-type`}>{gridTypeText(c.gridType)}</Text>}
                      {` · ${c.code}`}
                    </Text>
                  </View>
                ))}
              </View>
            </>
          )}
        </View>
        <View className='admin-col card'>
          <Text className='section-title'>导入网格（GeoJSON）</Text>
          <Text className='muted'>FeatureCollection，每个网格的属性含 code（网格编码）、name、parentCode（所属社区编码）、gridType（网格类型：居民区、商业区（公共区）、海边或工地）；坐标为 WGS-84。先检查，再确认导入；网格不会被删除。</Text>
          <View className='admin-actions'>
            <Tap id='org-import-pick' className='btn btn--primary' disabled={busy} onTap={choose}><Text>选择文件并检查</Text></Tap>
          </View>
          {result && (
            <View id='org-import-report' className={`import-report card ${errors.length ? 'import-report--bad' : ''}`} role='status'>
              <Text className='section-title'>{done ? '导入完成' : '检查结果'}{file ? `：${file.name}` : ''}</Text>
              <Text>{done ? '已' : '将'}新建 {result.created} 个网格，{done ? '已' : '将'}更新 {result.updated} 个，无变化 {result.unchanged} 个</Text>
              {fileMap && <MapPreview id='org-file-map' src={fileMap} label={`文件中的 ${shapes.length} 个网格${errors.length ? '，有问题的网格以红色标出' : ''}`} />}
              {fileMap && <Text className='muted'>蓝色：可导入；红色：有错误；黄色：有提醒。</Text>}
              {result.findings.length > 0 && (
                <View role='list' aria-label='检查发现的问题'>
                  {[...errors, ...warnings].map((f, i) => (
                    <View key={`${f.code}-${f.kind}-${i}`} className='import-error' role='listitem'>
                      <Text className={`import-error__where ${f.severity === 'warning' ? 'import-error__where--warn' : ''}`}>{f.severity === 'error' ? '错误' : '提醒'} · {f.code}</Text>
                      <Text>{f.message}</Text>
                    </View>
                  ))}
                </View>
              )}
              {!done && errors.length > 0 && <Text className='error'>有 {errors.length} 处错误，请修改文件后重新选择；有错误时不会写入任何网格。</Text>}
              {!done && !errors.length && result.created + result.updated > 0 && (
                <Tap id='org-import-confirm' className='btn btn--primary' disabled={busy} onTap={commit}><Text>确认导入</Text></Tap>
              )}
            </View>
          )}
        </View>
      </View>
    </AppShell>
  )
}
