import { beforeEach, describe, expect, it, jest } from '@jest/globals'
import { fireEvent, render, screen, waitFor } from '@testing-library/react'
import Taro from '@tarojs/taro'
import { storageMap } from './__mocks__/taro'
import ActionPanel from '../../src/components/ActionPanel'
import CategoryPicker from '../../src/components/CategoryPicker'
import Tap from '../../src/components/Tap'
import Login from '../../src/pages/login/index'
import { session } from '../../src/services/session'
import { aCase, categories } from './fixtures'

const request = Taro.request as unknown as jest.Mock<(o: unknown) => Promise<unknown>>
beforeEach(() => {
  storageMap.clear()
  request.mockReset()
  ;(Taro.showToast as jest.Mock).mockClear()
})

describe('Tap', () => {
  it('is a keyboard button in H5: Enter and Space fire it, disabled does not', () => {
    const onTap = jest.fn()
    const { rerender } = render(<Tap label='提交' onTap={onTap}>提交</Tap>)
    const b = screen.getByRole('button', { name: '提交' })
    expect(b.getAttribute('tabindex')).toBe('0')
    fireEvent.keyDown(b, { key: 'Enter' })
    fireEvent.keyDown(b, { key: ' ' })
    expect(onTap).toHaveBeenCalledTimes(2)
    rerender(<Tap label='提交' disabled onTap={onTap}>提交</Tap>)
    fireEvent.click(screen.getByRole('button', { name: '提交' }))
    expect(onTap).toHaveBeenCalledTimes(2)
  })
})

describe('CategoryPicker', () => {
  it('searches, picks, then shows the confusable hint with a one-tap switch', () => {
    const onChange = jest.fn()
    const { rerender } = render(<CategoryPicker categories={categories} value='' onChange={onChange} />)
    fireEvent.change(screen.getByLabelText('搜索类别'), { target: { value: '垃圾' } })
    // Named by its text: the category, then its big class.
    fireEvent.click(screen.getByRole('button', { name: /^暴露垃圾/ }))
    expect(onChange).toHaveBeenCalledWith('06010')
    rerender(<CategoryPicker categories={categories} value='06010' onChange={onChange} />)
    expect(screen.getByText(/易混提示/)).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: '改选积存垃圾渣土' }))
    expect(onChange).toHaveBeenLastCalledWith('06011')
  })
})

describe('ActionPanel', () => {
  it('offers only the actions the server allows and asks for a reason before returning a case', async () => {
    render(<ActionPanel c={aCase({ allowedActions: ['sign', 'return'] })} onDone={() => {}} />)
    expect(screen.getByRole('button', { name: '签收' })).toBeTruthy()
    expect(screen.queryByRole('button', { name: '受理立案' })).toBeNull()
    // 退回 opens its own form: a reason from the list, then the note; nothing is sent without a reason.
    fireEvent.click(screen.getByRole('button', { name: '退回' }))
    const submit = () => screen.getAllByRole('button', { name: '退回' }).find((b) => b.id === 'act-return')!
    fireEvent.click(submit())
    expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '请选择理由' }))
    expect(request).not.toHaveBeenCalled()
  })
  it('posts the action and hands the new case back', async () => {
    request.mockResolvedValueOnce({ statusCode: 200, data: { case: aCase({ state: 'in_progress', allowedActions: [] }) }, header: {} })
    const onDone = jest.fn()
    render(<ActionPanel c={aCase({ allowedActions: ['sign'] })} onDone={onDone} />)
    fireEvent.click(screen.getByRole('button', { name: '签收' }))
    await waitFor(() => expect(onDone).toHaveBeenCalled())
    await screen.findByRole('button', { name: '签收' })
    expect(request.mock.calls[0]![0]).toMatchObject({ url: '/api/v1/cases/11111111-1111-4111-8111-111111111111/actions/sign', method: 'POST' })
    expect(onDone).toHaveBeenCalledWith(expect.objectContaining({ state: 'in_progress' }))
  })
})

describe('Login (H5, sandbox on)', () => {
  it('lists the demo accounts and logs in with the chosen one', async () => {
    request.mockImplementation(async (o: unknown) => {
      const { url } = o as { url: string }
      if (url.endsWith('/sandbox/accounts')) return { statusCode: 200, data: { accounts: [{ code: 'sandbox:resident-01', openid: 'resident-01', role: 'resident', orgNodeCode: null, name: '市民演示账号01' }] }, header: {} }
      return { statusCode: 200, data: { token: 't1', user: { id: 'u', name: '市民演示账号01', roles: ['resident'], orgNodeCode: null } }, header: {} }
    })
    render(<Login />)
    fireEvent.click(await screen.findByRole('button', { name: /^市民演示账号01/ }))
    await waitFor(() => expect(Taro.reLaunch).toHaveBeenCalled())
    expect(request.mock.calls[1]![0]).toMatchObject({ url: '/api/v1/auth/wechat', data: { code: 'sandbox:resident-01' } })
    expect(session.token()).toBe('t1')
    expect(Taro.reLaunch).toHaveBeenCalledWith({ url: '/pages/home/index' })
  })
})
