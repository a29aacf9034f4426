import { Text } from '@tarojs/components'
import { useRouter } from '@tarojs/taro'
import AppShell, { shellKind } from '../../components/AppShell'
import CaseView from '../../components/CaseView'
import { useRemote } from '../../hooks/use-remote'
import { useRequiredUser } from '../../hooks/use-session'
import { api } from '../../services/api'
import ResidentCase from './ResidentCase'
import './index.scss'

/**
 * A case as its reporter follows it (a subscribe message opens this page: AppShell gives it back and home).
 * Staff who open it (a patrol find they reported) see the staff view with their actions.
 */
export default function CasePage() {
  const id = useRouter().params.id ?? ''
  const user = useRequiredUser(`/pages/case/index?id=${id}`)
  const { data, setData, error } = useRemote(() => api.getCase(id), !!user && !!id)
  const resident = shellKind(user) === 'resident'
  return (
    <AppShell title='上报详情' className='case page--column'>
      {!id && <Text className='error'>链接不完整，请从“我的”里打开这条上报</Text>}
      {error && <Text className='error'>{error}</Text>}
      {data && (resident ? <ResidentCase c={data} onChange={setData} /> : <CaseView c={data} onChange={setData} />)}
    </AppShell>
  )
}
