import { Text, View } from '@tarojs/components'
import { useRouter } from '@tarojs/taro'
import CaseView from '../../components/CaseView'
import { useRemote } from '../../hooks/use-remote'
import { useRequiredUser } from '../../hooks/use-session'
import { api } from '../../services/api'

export default function CasePage() {
  const id = useRouter().params.id ?? ''
  const user = useRequiredUser(`/pages/case/index?id=${id}`)
  const { data, setData, error } = useRemote(() => api.getCase(id), !!user && !!id)
  return (
    <View className='page case'>
      {error && <Text className='error'>{error}</Text>}
      {data && <CaseView c={data} onChange={setData} />}
    </View>
  )
}
